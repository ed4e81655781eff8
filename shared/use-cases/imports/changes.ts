/**
 * What apply and undo do with one kind of record (people, enrollments): the engine (apply.ts) is the same
 * for every kind, and each kind says how its records are found as written, written, and put back.
 */
import type { AuditRecord } from '../../domain/audit.ts';
import type { RowNote } from '../../domain/import.ts';
import { type Actor, systemActor } from '../../domain/principal.ts';
import { auditChange } from '../context.ts';
import type { Runtime } from '../ports.ts';
import type { Change, ImportRecord } from './ports.ts';

/** The import a run works on, and the run's request id, which its audit records carry. */
export interface Run {
  record: ImportRecord;
  requestId: string;
  /**
   * Renews the run's lease when it is due; throws when another run has taken the import over, so a kind
   * that writes in several steps asks before each.
   */
  keep(): Promise<void>;
}

export interface ChangeKind<C extends Change> {
  /** The changes whose record is already exactly as the change wrote it (a run resumed after a crash). */
  written(changes: readonly C[]): Promise<Set<number>>;
  /**
   * Makes the changes, each only if its record is still as the plan read it, with the audit records the API
   * writes for the same change. Answers the changes refused, with why (conflicts: left alone).
   */
  write(changes: readonly C[], run: Run): Promise<Map<number, string>>;
  /**
   * Of the refused changes, those that may have been refused for a record another change of the same import
   * makes later (a manager further down the file): tried again once the rest is written.
   */
  waiting?(refused: readonly C[]): Promise<Set<number>>;
  /** Puts back what the changes wrote, each only if its record is still as the import left it. */
  undo(changes: readonly C[], run: Run): Promise<{ restored: number; refused: RowNote[] }>;
  /** How a note names the change's record: an email, a course and a person. */
  key(change: C): string;
}

/** Who an import's changes are made by: the import, with an administrator's rights (the routes admit admins). */
export function importActor(run: Run): Actor {
  return systemActor(`import:${run.record.id}`, run.requestId, ['admin']);
}

/**
 * The audit record of one change, with an id fixed by the import and the change (`id`): a resumed run writes
 * the same record, never a second.
 */
export function importAudit(
  runtime: Runtime,
  run: Run,
  id: string,
  change: { action: string; target: string; before: object | null; after: object | null },
): AuditRecord {
  return auditChange(
    { ...runtime, newId: () => `${run.record.id}.${id}` },
    importActor(run),
    change.action,
    change.target,
    change.before,
    change.after,
  );
}

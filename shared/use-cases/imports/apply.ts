/**
 * Apply and undo, the steps that write. Both run in chunks from a checkpoint kept on the import, under a
 * lease (one run at a time), and hand over to a fresh run before their time is up, so a file of any size
 * gets through, and a run killed half way is continued by the next with nothing lost and nothing doubled.
 *
 * Apply, a chunk of the plan at a time:
 * - an entry whose record is exactly what the plan wrote (a resumed run) counts as done;
 * - the change log of the others is written first (BatchWriteItem: idempotent, retried);
 * - then the records, each only if it is still at the version the plan read (or, for a new person, does not
 *   exist and its email and external id are free): conditional writes, many people per transaction, with
 *   their claims, department counts and audit records. A record that changed since planning is a conflict:
 *   left alone, reported, and taken out of the change log. Status changes (suspensions, reactivations) go
 *   through the person's own guarded write, so the last active administrator is never suspended.
 *
 * Undo works from the change log: each record still as the import left it is put back (a person the import
 * created is removed); one changed since is refused and listed.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord } from '../../domain/audit.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RowNote } from '../../domain/import.ts';
import { type Actor, systemActor } from '../../domain/principal.ts';
import type { User } from '../../domain/user.ts';
import { auditChange } from '../context.ts';
import type { IdentityDirectory, Runtime, UserRepository } from '../ports.ts';
import type {
  ImportFiles,
  ImportRecord,
  ImportRepository,
  PeopleBulk,
  PersonChange,
  StoredPlanEntry,
} from './ports.ts';
import { audit, PLAN_PART_ENTRIES } from './requests.ts';

export interface ApplyDeps {
  imports: ImportRepository;
  files: Pick<ImportFiles, 'planPart'>;
  bulk: PeopleBulk;
  /** The guarded write of a status change (suspension, reactivation): the admin-seat rules apply. */
  users: Pick<UserRepository, 'update'>;
  /** Signs suspended people out (AWS); the authorizer refuses them anyway. */
  directory?: Pick<IdentityDirectory, 'signOut'>;
  runtime: Runtime;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface RunBudget {
  /** When the run must hand over (Lambda's timeout, less a margin), in epoch ms. */
  deadline: number;
}

export type RunOutcome = 'done' | 'continue' | 'skipped';

/** Entries checked and written together. */
const CHUNK = 100;
/** How long a run's lease lasts; renewed at every chunk. */
const LEASE_MS = 2 * 60 * 1000;
/** Conflicts and refusals listed on the import (the counts are always whole). */
const LISTED = 100;

/** One run of the apply step: as many chunks as its time allows. */
export async function runApply(
  deps: ApplyDeps,
  importId: string,
  run: string,
  budget: RunBudget,
): Promise<RunOutcome> {
  let record = await take(deps, importId, 'applying', run);
  if (!record) return 'skipped';
  const actor = systemActor('job:run-import', `${importId}:${run}`);
  const total = record.plan?.entries ?? 0;
  while (record.checkpoint < total) {
    if (Date.now() > budget.deadline) {
      await handOver(deps, record);
      return 'continue';
    }
    const entries = await chunkOf(deps, importId, record.checkpoint, total);
    const outcome = await applyChunk(deps, record, entries, actor.requestId);
    const applied = record.applied ?? { done: 0, conflicts: 0, conflictsListed: [] };
    record = await checkpoint(deps, record, run, record.checkpoint + entries.length, {
      applied: {
        done: applied.done + outcome.done,
        conflicts: applied.conflicts + outcome.conflicts.length,
        conflictsListed: [...applied.conflictsListed, ...outcome.conflicts].slice(0, LISTED),
      },
    });
  }
  await finish(deps, record, 'applied', actor);
  deps.logger?.info('import applied', { importId, applied: record.applied });
  return 'done';
}

/**
 * One chunk: find what is done already, log the rest, write it conditionally, and take the conflicts out
 * of the log.
 */
async function applyChunk(
  deps: ApplyDeps,
  record: ImportRecord,
  entries: readonly StoredPlanEntry[],
  requestId: string,
): Promise<{ done: number; conflicts: RowNote[] }> {
  const planned: PersonChange[] = entries.flatMap((entry) =>
    entry.write?.op === 'person'
      ? [{ seq: entry.seq, line: entry.line, before: entry.write.before, after: entry.write.after }]
      : [],
  );
  const current = await deps.bulk.current(planned.map((change) => change.after.id));
  const found = planned.filter((change) => isWritten(current.get(change.after.id), change.after));
  const pending = planned.filter((change) => !found.includes(change));
  const conflicts: RowNote[] = [];
  const note = (change: PersonChange, reason: string) =>
    conflicts.push({ line: change.line, key: change.after.email, reason });

  // The log goes first: a run killed right after it finds the changes not made and makes them.
  await deps.bulk.log(record.id, [...found, ...pending]);
  const guarded = pending.filter((change) => change.before && change.before.status !== change.after.status);
  const batch = pending.filter((change) => !guarded.includes(change));
  const refused = await deps.bulk.write(
    batch,
    batch.map((change) => personAudit(deps, record, change, requestId)),
  );
  for (const change of batch) {
    const reason = refused.get(change.seq);
    if (reason) note(change, reason);
  }
  for (const change of guarded) {
    if (!change.before) continue;
    try {
      await deps.users.update(change.before, change.after, personAudit(deps, record, change, requestId));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.set(change.seq, error.message);
      note(change, error.message);
      continue;
    }
    if (change.after.status === 'suspended' && change.after.linkedLogin)
      await deps.directory?.signOut(change.after.linkedLogin.username).catch((error: Error) =>
        deps.logger?.warn('suspended by an import, but the sign-out failed', {
          userId: change.after.id,
          error: error.name,
        }),
      );
  }
  await deps.bulk.unlog(record.id, [...refused.keys()]);
  return { done: found.length + pending.length - refused.size, conflicts };
}

/** One run of the undo step: the change log, a chunk at a time, from the checkpoint. */
export async function runUndo(
  deps: ApplyDeps,
  importId: string,
  run: string,
  budget: RunBudget,
): Promise<RunOutcome> {
  let record = await take(deps, importId, 'undoing', run);
  if (!record) return 'skipped';
  const actor = systemActor('job:run-import', `${importId}:${run}:undo`);
  for (;;) {
    if (Date.now() > budget.deadline) {
      await handOver(deps, record);
      return 'continue';
    }
    const changes = await deps.bulk.changes(importId, record.checkpoint - 1, CHUNK);
    if (changes.length === 0) break;
    const outcome = await undoChunk(deps, record, changes, actor.requestId);
    const undone = record.undone ?? { restored: 0, refused: 0, refusedListed: [] };
    record = await checkpoint(deps, record, run, (changes.at(-1)?.seq ?? 0) + 1, {
      undone: {
        restored: undone.restored + outcome.restored,
        refused: undone.refused + outcome.refused.length,
        refusedListed: [...undone.refusedListed, ...outcome.refused].slice(0, LISTED),
      },
    });
  }
  await finish(deps, record, 'undone', actor);
  return 'done';
}

async function undoChunk(
  deps: ApplyDeps,
  record: ImportRecord,
  changes: readonly PersonChange[],
  requestId: string,
): Promise<{ restored: number; refused: RowNote[] }> {
  const current = await deps.bulk.current(changes.map((change) => change.after.id));
  const now = deps.runtime.now().toISOString();
  const restores: { seq: number; before: User; after: User | null }[] = [];
  const audits: AuditRecord[] = [];
  const refused: RowNote[] = [];
  let restored = 0;
  for (const change of changes) {
    const present = current.get(change.after.id);
    if (!present) {
      // A person the import created and an earlier run of this undo removed already.
      if (change.before === null) restored++;
      else refused.push({ line: change.line, key: change.after.email, reason: 'removed since the import' });
      continue;
    }
    if (change.before && isRestored(present, change.before, change.after)) {
      restored++;
      continue;
    }
    if (!isWritten(present, change.after)) {
      refused.push({
        line: change.line,
        key: change.after.email,
        reason: `changed since the import (now at version ${present.version}): left as it is`,
      });
      continue;
    }
    const back = change.before ? { ...change.before, updatedAt: now, version: present.version + 1 } : null;
    restores.push({ seq: change.seq, before: present, after: back });
    audits.push(
      auditChange(
        { ...deps.runtime, newId: () => `${record.id}.undo.${change.seq}` },
        importActor(record, requestId),
        back ? undoAction(present, back) : 'user.removed',
        `user:${present.id}`,
        present,
        back ?? { removedBy: `import:${record.id}` },
      ),
    );
  }
  const failed = await deps.bulk.restore(restores, audits);
  const lines = new Map(changes.map((change) => [change.seq, change.line]));
  for (const restore of restores) {
    const reason = failed.get(restore.seq);
    if (reason === undefined) restored++;
    else refused.push({ line: lines.get(restore.seq) ?? 0, key: restore.before.email, reason });
  }
  return { restored, refused };
}

function undoAction(present: User, restored: User): string {
  if (present.status !== restored.status)
    return restored.status === 'active' ? 'user.reactivated' : 'user.suspended';
  return 'user.updated';
}

function importActor(record: ImportRecord, requestId: string): Actor {
  return systemActor(`import:${record.id}`, requestId, ['admin']);
}

/** The audit record of one change, with a fixed id: a resumed run writes the same record, never a second. */
function personAudit(deps: ApplyDeps, record: ImportRecord, change: PersonChange, requestId: string) {
  const action =
    change.before === null
      ? 'user.created'
      : change.before.status !== change.after.status
        ? change.after.status === 'suspended'
          ? 'user.suspended'
          : 'user.reactivated'
        : 'user.updated';
  return auditChange(
    { ...deps.runtime, newId: () => `${record.id}.${change.seq}` },
    importActor(record, requestId),
    action,
    `user:${change.after.id}`,
    change.before,
    change.after,
  );
}

/** Whether the record is exactly the one the import wrote. */
function isWritten(present: User | undefined, written: User): boolean {
  return (
    present !== undefined && present.version === written.version && present.updatedAt === written.updatedAt
  );
}

/** Whether undo put the record back already (one version after the import's, with the fields from before). */
function isRestored(present: User, before: User, written: User): boolean {
  const fields = ({ version: _v, updatedAt: _u, ...rest }: User) => JSON.stringify(rest);
  return present.version === written.version + 1 && fields(present) === fields(before);
}

async function chunkOf(
  deps: ApplyDeps,
  importId: string,
  from: number,
  total: number,
): Promise<StoredPlanEntry[]> {
  const part = Math.floor(from / PLAN_PART_ENTRIES);
  const entries = await deps.files.planPart(importId, 'all', part);
  const offset = from % PLAN_PART_ENTRIES;
  return entries.slice(offset, Math.min(offset + CHUNK, total - part * PLAN_PART_ENTRIES));
}

/**
 * Takes the import for this run: it is in `step`, and no other run holds a lease that has not run out (a
 * run that died lets its lease run out, and the next takes over from the checkpoint).
 */
async function take(
  deps: ApplyDeps,
  importId: string,
  step: 'applying' | 'undoing',
  run: string,
): Promise<ImportRecord | undefined> {
  const record = await deps.imports.get(importId);
  if (record?.status !== step) return undefined;
  const now = deps.runtime.now();
  if (record.lease && record.lease.run !== run && record.lease.until > now.toISOString()) return undefined;
  const taken: ImportRecord = {
    ...record,
    lease: { run, until: new Date(now.getTime() + LEASE_MS).toISOString() },
    applied: record.applied ?? (step === 'applying' ? { done: 0, conflicts: 0, conflictsListed: [] } : null),
    undone: record.undone ?? (step === 'undoing' ? { restored: 0, refused: 0, refusedListed: [] } : null),
    version: record.version + 1,
  };
  await deps.imports.save(taken, record.version);
  return taken;
}

/** Saves the checkpoint and what the chunk did, renewing the lease. */
async function checkpoint(
  deps: ApplyDeps,
  record: ImportRecord,
  run: string,
  position: number,
  counts: Pick<ImportRecord, 'applied'> | Pick<ImportRecord, 'undone'>,
): Promise<ImportRecord> {
  const now = deps.runtime.now();
  const next: ImportRecord = {
    ...record,
    ...counts,
    checkpoint: position,
    lease: { run, until: new Date(now.getTime() + LEASE_MS).toISOString() },
    progress: { ...record.progress, done: Math.min(position, record.progress.total) },
    updatedAt: now.toISOString(),
    version: record.version + 1,
  };
  await deps.imports.save(next, record.version);
  return next;
}

/** Lets the next run take over at once, from the checkpoint. */
async function handOver(deps: ApplyDeps, record: ImportRecord): Promise<void> {
  await deps.imports.save({ ...record, lease: null, version: record.version + 1 }, record.version);
}

async function finish(
  deps: ApplyDeps,
  record: ImportRecord,
  status: 'applied' | 'undone',
  actor: Actor,
): Promise<void> {
  const finished: ImportRecord = {
    ...record,
    status,
    lease: null,
    checkpoint: status === 'applied' ? record.checkpoint : 0,
    progress: { step: status, done: record.progress.total, total: record.progress.total },
    updatedAt: deps.runtime.now().toISOString(),
    version: record.version + 1,
  };
  await deps.imports.save(finished, record.version, audit(deps, actor, `import.${status}`, record, finished));
}

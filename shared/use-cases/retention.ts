/**
 * The retention policy (`GET/PUT /settings/data-lifecycle`) and its daily run (job kind `retention`).
 * Steps of a run: read the policy -> erase the people suspended longer than `eraseSuspendedAfterDays` (never
 * one under legal hold: reported skipped, with the reason) -> one pass over the table that redacts what other
 * items still hold of erased people, and exports the audit records older than `auditRetentionYears` to the
 * backups bucket (`audit/<yyyy>/<mm>/<runId>.ndjson.gz`, with a manifest holding its SHA-256) and only then
 * deletes them. A run that dies between export and delete exports them again next time: a second copy, never
 * a loss.
 */
import type { AuditRecord } from '../domain/audit.ts';
import { BusinessRuleError, StaleVersionError } from '../domain/errors.ts';
import { type Actor, actorId } from '../domain/principal.ts';
import {
  type DataLifecycleSettings,
  DEFAULT_DATA_LIFECYCLE,
  type UpdateDataLifecycleInput,
} from '../domain/settings.ts';
import { auditChange } from './context.ts';
import { type ErasureDeps, erasePerson } from './erasure.ts';
import type { JobRunProgress } from './job-runs.ts';
import type { Runtime } from './ports.ts';

export interface SettingsRepository {
  /** The stored retention policy; undefined while the defaults stand. */
  dataLifecycle(): Promise<DataLifecycleSettings | undefined>;
  /** Stores `after` over `before` (version 1: the defaults, not stored yet), with its audit record. */
  saveDataLifecycle(
    before: DataLifecycleSettings,
    after: DataLifecycleSettings,
    audit: AuditRecord,
  ): Promise<void>;
}

export interface SettingsDeps {
  settings: SettingsRepository;
  runtime: Runtime;
}

/** The retention policy in force: the stored one, or the defaults (version 1). */
export async function dataLifecycleSettings(
  deps: Pick<SettingsDeps, 'settings'>,
): Promise<DataLifecycleSettings> {
  return (await deps.settings.dataLifecycle()) ?? DEFAULT_DATA_LIFECYCLE;
}

/** Steps: the sign-in history's lifetime is fixed -> at the If-Match version -> write with its audit record. */
export async function updateDataLifecycleSettings(
  deps: SettingsDeps,
  actor: Actor,
  expectedVersion: number,
  input: UpdateDataLifecycleInput,
): Promise<DataLifecycleSettings> {
  const before = await dataLifecycleSettings(deps);
  if (input.signInHistoryDays !== undefined && input.signInHistoryDays !== before.signInHistoryDays)
    throw new BusinessRuleError(
      `The sign-in history is kept ${before.signInHistoryDays} days by the table's TTL and cannot be changed here; send ${before.signInHistoryDays} or leave the field out.`,
      [{ path: 'body.signInHistoryDays', message: `read-only: ${before.signInHistoryDays}` }],
    );
  if (before.version !== expectedVersion)
    throw new StaleVersionError('settings', 'data-lifecycle', expectedVersion, before.version);
  const now = deps.runtime.now().toISOString();
  const after: DataLifecycleSettings = {
    archiveContentAfterDays: input.archiveContentAfterDays,
    eraseSuspendedAfterDays: input.eraseSuspendedAfterDays,
    auditRetentionYears: input.auditRetentionYears,
    signInHistoryDays: before.signInHistoryDays,
    updatedAt: now,
    updatedBy: actorId(actor.principal),
    version: before.version + 1,
  };
  await deps.settings.saveDataLifecycle(
    before,
    after,
    auditChange(deps.runtime, actor, 'settings.updated', 'settings:data-lifecycle', before, after),
  );
  return after;
}

/** One pass over the table for the retention run (a Scan). */
export interface RetentionSweep {
  run(input: {
    runId: string;
    /** People erased (before or during this run): what items still hold of them is redacted. */
    erased: ReadonlySet<string>;
    /** Audit records before this time are exported, then deleted. */
    auditBefore: string;
    run: JobRunProgress;
  }): Promise<RetentionSweepResult>;
}

export interface RetentionSweepResult {
  itemsRead: number;
  itemsRedacted: number;
  signInsDeleted: number;
  auditExported: number;
  auditDeleted: number;
  /** Where the audit exports went, one file (and its manifest) per month of records. */
  auditFiles: string[];
  /** More old audit records than one run exports: the next run goes on. */
  auditRemaining: boolean;
}

export interface RetentionDeps extends ErasureDeps {
  settings: SettingsRepository;
  sweep: RetentionSweep;
}

export interface SkippedErasure {
  userId: string;
  reason: string;
}

/** The daily retention run (see the file's comment). */
export async function runRetention(
  deps: RetentionDeps,
  actor: Actor,
  at: Date,
  run: JobRunProgress,
): Promise<{ result: Record<string, unknown>; counts: Record<string, number> }> {
  const policy = await dataLifecycleSettings(deps);
  const people = await deps.users.all();
  const erased = new Set(people.filter((person) => person.erasedAt).map((person) => person.id));
  const erasedNow: string[] = [];
  const skipped: SkippedErasure[] = [];
  if (policy.eraseSuspendedAfterDays !== null) {
    const before = new Date(at.getTime() - policy.eraseSuspendedAfterDays * 86_400_000).toISOString();
    const due = people.filter(
      (person) =>
        !person.erasedAt &&
        person.status === 'suspended' &&
        person.suspendedAt !== null &&
        person.suspendedAt < before,
    );
    for (const [index, person] of due.entries()) {
      await run.progress('erasing suspended people', index, due.length);
      if (person.legalHold) {
        skipped.push({ userId: person.id, reason: `legal hold: ${person.legalHold.reason}` });
        continue;
      }
      try {
        await erasePerson(deps, actor, person.id, { byPolicy: true });
        erased.add(person.id);
        erasedNow.push(person.id);
      } catch (error) {
        skipped.push({ userId: person.id, reason: (error as Error).message });
      }
    }
  }
  const auditBefore = new Date(at);
  auditBefore.setUTCFullYear(auditBefore.getUTCFullYear() - policy.auditRetentionYears);
  const swept = await deps.sweep.run({
    runId: run.job().id,
    erased,
    auditBefore: auditBefore.toISOString(),
    run,
  });
  return {
    result: {
      policy: {
        eraseSuspendedAfterDays: policy.eraseSuspendedAfterDays,
        auditRetentionYears: policy.auditRetentionYears,
      },
      erased: erasedNow,
      skipped,
      auditBefore: auditBefore.toISOString(),
      auditFiles: swept.auditFiles,
      auditRemaining: swept.auditRemaining,
    },
    counts: {
      erased: erasedNow.length,
      skipped: skipped.length,
      itemsRead: swept.itemsRead,
      itemsRedacted: swept.itemsRedacted,
      signInsDeleted: swept.signInsDeleted,
      auditExported: swept.auditExported,
      auditDeleted: swept.auditDeleted,
    },
  };
}

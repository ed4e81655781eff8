/**
 * Apply and undo, the steps that write. Both run in chunks from a checkpoint kept on the import, under a
 * lease (one run at a time), and hand over to a fresh run before their time is up, so a file of any size
 * gets through, and a run killed half way is continued by the next with nothing lost and nothing doubled.
 *
 * Apply, a chunk of the plan at a time, whatever kind of record its entries write (people, enrollments):
 * - an entry whose record is exactly what the plan wrote (a resumed run) counts as done;
 * - the change log of the others is written first (BatchWriteItem: idempotent, retried);
 * - then the records, each kind by its own part (apply-people.ts, apply-enrollments.ts), each record only if
 *   it is still as the plan read it (its version, or none yet for a new one), with the audit records and
 *   domain events the API writes for the same change. A record that changed since planning is a conflict:
 *   left alone, reported, and taken out of the change log.
 *
 * Undo works from the change log: each record still as the import left it is put back (one the import
 * created is removed); one changed since is refused and listed.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RowNote } from '../../domain/import.ts';
import { type Actor, systemActor } from '../../domain/principal.ts';
import { type CourseChangeDeps, courseChanges } from './apply-courses.ts';
import { type EnrollmentChangeDeps, enrollmentChanges } from './apply-enrollments.ts';
import { type PeopleChangeDeps, peopleChanges } from './apply-people.ts';
import type { ChangeKind, Run } from './changes.ts';
import type {
  Change,
  ChangeLog,
  ImportFiles,
  ImportRecord,
  ImportRepository,
  StoredPlanEntry,
  WaitingChange,
} from './ports.ts';
import { audit, PLAN_PART_ENTRIES } from './requests.ts';

export type ApplyDeps = PeopleChangeDeps &
  EnrollmentChangeDeps &
  CourseChangeDeps & {
    imports: ImportRepository;
    files: Pick<ImportFiles, 'planPart'>;
    changeLog: ChangeLog;
    logger?: Pick<Logger, 'info' | 'warn'>;
  };

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
    const changes: Change[] = entries.flatMap((entry) =>
      entry.write ? [{ ...entry.write, seq: entry.seq, line: entry.line }] : [],
    );
    const outcome = await applyChanges(deps, { record, requestId: actor.requestId }, changes);
    const applied = record.applied ?? { done: 0, conflicts: 0, conflictsListed: [] };
    record = await checkpoint(deps, record, run, record.checkpoint + entries.length, {
      applied: {
        done: applied.done + outcome.done,
        conflicts: applied.conflicts + outcome.conflicts.length,
        conflictsListed: [...applied.conflictsListed, ...outcome.conflicts].slice(0, LISTED),
      },
      waited: record.waited + outcome.waiting.length,
    });
  }
  const settled = await settleWaiting(deps, record, run, actor, budget);
  if (settled === 'continue') return 'continue';
  await finish(deps, settled, 'applied', actor);
  // Counted as conflicts with the finish: what is left of them now is only in the way (a run that dies
  // here leaves them to their TTL).
  for (let left = await deps.changeLog.waiting(importId, -1, CHUNK); left.length > 0; ) {
    await deps.changeLog.unwait(
      importId,
      left.map(({ change }) => change.seq),
    );
    left = await deps.changeLog.waiting(importId, left.at(-1)?.change.seq ?? -1, CHUNK);
  }
  deps.logger?.info('import applied', { importId, applied: settled.applied });
  return 'done';
}

/** Each kind of record's part of apply and undo. */
function kinds(deps: ApplyDeps): Record<Change['op'], ChangeKind<Change>> {
  return {
    person: peopleChanges(deps),
    enrollment: enrollmentChanges(deps),
    course: courseChanges(deps),
  };
}

/**
 * The order kinds are written in: people before the enrollments of people the same import creates (an
 * enrollment needs its person). Undo goes the other way.
 */
const KIND_ORDER: readonly Change['op'][] = ['person', 'enrollment'];

/** The changes of each kind, each in plan order, the kinds in `KIND_ORDER` (reversed for undo). */
function byKind(
  deps: ApplyDeps,
  changes: readonly Change[],
  order: 'write' | 'undo' = 'write',
): [ChangeKind<Change>, Change[]][] {
  const of = kinds(deps);
  const ops = order === 'write' ? KIND_ORDER : [...KIND_ORDER].reverse();
  return ops.flatMap((op) => {
    const group = changes.filter((change) => change.op === op);
    return group.length > 0 ? [[of[op], group] as [ChangeKind<Change>, Change[]]] : [];
  });
}

/**
 * One chunk: find what is done already, log the rest, write it conditionally, keep aside what waits for a
 * record a later change makes, and take the conflicts and the waiting out of the log.
 */
async function applyChanges(
  deps: ApplyDeps,
  run: Run,
  changes: readonly Change[],
): Promise<{ done: number; conflicts: RowNote[]; refused: WaitingChange[]; waiting: WaitingChange[] }> {
  const found = new Set<number>();
  for (const [kind, group] of byKind(deps, changes))
    for (const seq of await kind.written(group)) found.add(seq);

  // The log goes first: a run killed right after it finds the changes not made and makes them.
  await deps.changeLog.log(run.record.id, changes);
  const refused: WaitingChange[] = [];
  const conflicts: RowNote[] = [];
  const waiting: WaitingChange[] = [];
  for (const [kind, group] of byKind(
    deps,
    changes.filter((change) => !found.has(change.seq)),
  )) {
    const notWritten = await kind.write(group, run);
    const refusedHere = group.filter((change) => notWritten.has(change.seq));
    const waits = refusedHere.length > 0 && kind.waiting ? await kind.waiting(refusedHere) : new Set();
    for (const change of refusedHere) {
      const reason = notWritten.get(change.seq) ?? '';
      refused.push({ change, reason });
      if (waits.has(change.seq)) waiting.push({ change, reason });
      else conflicts.push({ line: change.line, key: kind.key(change), reason });
    }
  }
  // Kept aside before the log forgets them: a run killed in between makes the chunk again.
  await deps.changeLog.wait(run.record.id, waiting);
  await deps.changeLog.unlog(
    run.record.id,
    refused.map(({ change }) => change.seq),
  );
  return { done: changes.length - refused.length, conflicts, refused, waiting };
}

/**
 * The changes that waited for a record a later change makes (a manager further down the file), tried again
 * in passes, in plan order, until a pass makes none of them (a chain of managers takes a pass a link); those
 * still waiting then are conflicts, with why. The counts are settled once, at the end, from what was set
 * aside (`waited`) and what is left, so a run killed in a pass counts nothing twice.
 */
async function settleWaiting(
  deps: ApplyDeps,
  record: ImportRecord,
  run: string,
  actor: Actor,
  budget: RunBudget,
): Promise<ImportRecord | 'continue'> {
  if (record.waited === 0) return record;
  const importId = record.id;
  for (let made = true; made; ) {
    made = false;
    for (let after = -1; ; ) {
      if (Date.now() > budget.deadline) {
        await handOver(deps, record);
        return 'continue';
      }
      const waiting = await deps.changeLog.waiting(importId, after, CHUNK);
      if (waiting.length === 0) break;
      const changes = waiting.map(({ change }) => change);
      const outcome = await applyChanges(deps, { record, requestId: actor.requestId }, changes);
      // A change refused now for another reason waits on too, with that reason, which is its conflict if
      // no later pass makes it.
      await deps.changeLog.wait(importId, outcome.refused);
      const refused = new Set(outcome.refused.map(({ change }) => change.seq));
      const done = changes.filter((change) => !refused.has(change.seq));
      await deps.changeLog.unwait(
        importId,
        done.map((change) => change.seq),
      );
      made ||= done.length > 0;
      record = await checkpoint(deps, record, run, record.checkpoint, {});
      after = changes.at(-1)?.seq ?? after;
    }
  }
  const left: RowNote[] = [];
  let leftCount = 0;
  const of = kinds(deps);
  for (let after = -1; ; ) {
    const waiting = await deps.changeLog.waiting(importId, after, CHUNK);
    if (waiting.length === 0) break;
    leftCount += waiting.length;
    for (const { change, reason } of waiting)
      if (left.length < LISTED) left.push({ line: change.line, key: of[change.op].key(change), reason });
    after = waiting.at(-1)?.change.seq ?? after;
  }
  const applied = record.applied ?? { done: 0, conflicts: 0, conflictsListed: [] };
  return {
    ...record,
    applied: {
      done: applied.done + record.waited - leftCount,
      conflicts: applied.conflicts + leftCount,
      conflictsListed: [...applied.conflictsListed, ...left].sort((a, b) => a.line - b.line).slice(0, LISTED),
    },
  };
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
    const changes = await deps.changeLog.changes(importId, record.checkpoint - 1, CHUNK);
    if (changes.length === 0) break;
    const outcome = await undoChunk(deps, { record, requestId: actor.requestId }, changes);
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
  run: Run,
  changes: readonly Change[],
): Promise<{ restored: number; refused: RowNote[] }> {
  let restored = 0;
  const refused: RowNote[] = [];
  for (const [kind, group] of byKind(deps, changes, 'undo')) {
    const outcome = await kind.undo(group, run);
    restored += outcome.restored;
    refused.push(...outcome.refused);
  }
  return { restored, refused };
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
  counts: Partial<Pick<ImportRecord, 'applied' | 'undone' | 'waited'>>,
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

/**
 * Apply and undo, the steps that write. Both run in chunks from a checkpoint kept on the import, under a
 * lease (one run at a time), and hand over to a fresh run before their time is up, so a file of any size
 * gets through, and a run killed half way is continued by the next with nothing lost and nothing doubled.
 *
 * Apply, a chunk of the plan at a time, whatever kind of record its entries write (people, enrollments,
 * courses, departments, business metrics):
 * - an entry whose record is exactly what the plan wrote (a resumed run) counts as done;
 * - the change log of the others is written first (BatchWriteItem: idempotent, retried);
 * - then the records, each kind by its own part (apply-people.ts, apply-enrollments.ts), each record only if
 *   it is still as the plan read it (its version, or none yet for a new one), with the audit records and
 *   domain events the API writes for the same change. A record that changed since planning is a conflict:
 *   left alone, reported, and taken out of the change log.
 *
 * Undo works from the change log, last change first: each record still as the import left it is put back
 * (one the import created is removed); one changed since is refused and listed.
 *
 * The lease is renewed as the run goes (between the steps of a chunk, once a third of it has passed), each
 * renewal conditional on the import being as this run last saved it: a run that outlasted its lease (a
 * stalled chunk) and was taken over finds out at its next renewal and stops, writing nothing more.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord } from '../../domain/audit.ts';
import type { RowNote } from '../../domain/import.ts';
import { type Actor, systemActor } from '../../domain/principal.ts';
import { type BusinessMetricChangeDeps, businessMetricChanges } from './apply-business-metrics.ts';
import { type CohortChangeDeps, cohortChanges, membershipChanges } from './apply-cohorts.ts';
import { type CourseChangeDeps, courseChanges } from './apply-courses.ts';
import { type DepartmentChangeDeps, departmentChanges } from './apply-departments.ts';
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
  CourseChangeDeps &
  DepartmentChangeDeps &
  CohortChangeDeps &
  BusinessMetricChangeDeps & {
    imports: ImportRepository;
    files: Pick<ImportFiles, 'planPart'>;
    changeLog: ChangeLog;
    logger?: Pick<Logger, 'info' | 'warn'>;
  };

export interface RunBudget {
  /** When the run must hand over (Lambda's timeout, less a margin), in epoch ms. */
  deadline: number;
  /**
   * How long the run's lease lasts: a run that dies (a Lambda timeout, `kill -9`) holds the import that
   * long, and then the next run takes over from the checkpoint. Longer than a step of a chunk can take under
   * throttling, shorter than the wait before the queue delivers the message again.
   * @default 2 minutes
   */
  leaseMs?: number;
}

export type RunOutcome = 'done' | 'continue' | 'skipped';

/** Entries checked and written together. */
const CHUNK = 100;
/** How long a run's lease lasts unless the run says otherwise (RunBudget.leaseMs). */
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
  const lease = await Lease.take(deps, importId, 'applying', run, budget.leaseMs ?? LEASE_MS);
  if (!lease) return 'skipped';
  const actor = systemActor('job:run-import', `${importId}:${run}`);
  const total = lease.record.plan?.entries ?? 0;
  const parts = planParts(deps, importId);
  // Only a run's first chunk can hold writes of an earlier run (one killed, or taken over, part way through it).
  let first = true;
  return whileHeld(deps, lease, async () => {
    while (lease.record.checkpoint < total) {
      if (Date.now() > budget.deadline) {
        await lease.handOver();
        return 'continue';
      }
      const entries = await chunkOf(parts, lease.record.checkpoint, total);
      const changes: Change[] = entries.flatMap((entry) =>
        entry.write ? [{ ...entry.write, seq: entry.seq, line: entry.line }] : [],
      );
      const outcome = await applyChanges(deps, lease.run(actor.requestId), changes, first);
      first = false;
      const applied = lease.record.applied ?? { done: 0, conflicts: 0, conflictsListed: [] };
      await lease.checkpoint(lease.record.checkpoint + entries.length, {
        applied: {
          done: applied.done + outcome.done,
          conflicts: applied.conflicts + outcome.conflicts.length,
          conflictsListed: [...applied.conflictsListed, ...outcome.conflicts].slice(0, LISTED),
        },
        waited: lease.record.waited + outcome.waiting.length,
      });
    }
    if ((await settleWaiting(deps, lease, actor, budget)) === 'continue') return 'continue';
    await lease.finish('applied', actor);
    // Counted as conflicts with the finish: what is left of them now is only in the way (a run that dies
    // here leaves them to their TTL).
    for (let left = await deps.changeLog.waiting(importId, -1, CHUNK); left.length > 0; ) {
      await deps.changeLog.unwait(
        importId,
        left.map(({ change }) => change.seq),
      );
      left = await deps.changeLog.waiting(importId, left.at(-1)?.change.seq ?? -1, CHUNK);
    }
    deps.logger?.info('import applied', { importId, applied: lease.record.applied });
    return 'done';
  });
}

/** Each kind of record's part of apply and undo. */
function kinds(deps: ApplyDeps): Record<Change['op'], ChangeKind<Change>> {
  return {
    person: peopleChanges(deps),
    enrollment: enrollmentChanges(deps),
    course: courseChanges(deps),
    department: departmentChanges(deps),
    cohort: cohortChanges(deps),
    membership: membershipChanges(deps),
    'business-metric': businessMetricChanges(deps),
  };
}

/**
 * The order kinds are written in: departments before the people in them, people and courses before the
 * enrollments of people and courses the same import creates (an enrollment needs its person and its
 * course), cohorts and people before the memberships, and memberships last, so that a course a new
 * cohort member is enrolled in by the cohort's links finds the import's own enrollment there already.
 * Business metrics need nothing the others write. Undo goes the other way.
 */
const KIND_ORDER: readonly Change['op'][] = [
  'department',
  'cohort',
  'person',
  'course',
  'enrollment',
  'membership',
  'business-metric',
];

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
 * One chunk: find what is done already (a run's first chunk, and the waiting changes: an earlier run may
 * have written part of them), log the rest, write it conditionally, keep aside what waits for a
 * record a later change makes, and take the conflicts and the waiting out of the log.
 */
async function applyChanges(
  deps: ApplyDeps,
  run: Run,
  changes: readonly Change[],
  resumed: boolean,
): Promise<{ done: number; conflicts: RowNote[]; refused: WaitingChange[]; waiting: WaitingChange[] }> {
  const found = new Set<number>();
  if (resumed)
    for (const [kind, group] of byKind(deps, changes))
      for (const seq of await kind.written(group)) found.add(seq);

  // The log goes first: a run killed right after it finds the changes not made and makes them.
  await run.keep();
  await deps.changeLog.log(run.record.id, changes);
  const refused: WaitingChange[] = [];
  const conflicts: RowNote[] = [];
  const waiting: WaitingChange[] = [];
  for (const [kind, group] of byKind(
    deps,
    changes.filter((change) => !found.has(change.seq)),
  )) {
    await run.keep();
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
  await run.keep();
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
  lease: Lease,
  actor: Actor,
  budget: RunBudget,
): Promise<'settled' | 'continue'> {
  if (lease.record.waited === 0) return 'settled';
  const importId = lease.record.id;
  for (let made = true; made; ) {
    made = false;
    for (let after = -1; ; ) {
      if (Date.now() > budget.deadline) {
        await lease.handOver();
        return 'continue';
      }
      const waiting = await deps.changeLog.waiting(importId, after, CHUNK);
      if (waiting.length === 0) break;
      const changes = waiting.map(({ change }) => change);
      const outcome = await applyChanges(deps, lease.run(actor.requestId), changes, true);
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
      await lease.keep();
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
  const applied = lease.record.applied ?? { done: 0, conflicts: 0, conflictsListed: [] };
  await lease.checkpoint(lease.record.checkpoint, {
    applied: {
      done: applied.done + lease.record.waited - leftCount,
      conflicts: applied.conflicts + leftCount,
      conflictsListed: [...applied.conflictsListed, ...left].sort((a, b) => a.line - b.line).slice(0, LISTED),
    },
    // Settled: a run that dies before the finish does not settle (nor count) them again.
    waited: 0,
  });
  return 'settled';
}

/**
 * One run of the undo step: the change log, a chunk at a time, from its end back to its start (the last
 * change first, so a record goes back before those it needed), from the checkpoint: how many of the plan's
 * entries, counted from the end, the undo is past.
 */
export async function runUndo(
  deps: ApplyDeps,
  importId: string,
  run: string,
  budget: RunBudget,
): Promise<RunOutcome> {
  const lease = await Lease.take(deps, importId, 'undoing', run, budget.leaseMs ?? LEASE_MS);
  if (!lease) return 'skipped';
  const actor = systemActor('job:run-import', `${importId}:${run}:undo`);
  const total = lease.record.plan?.entries ?? 0;
  return whileHeld(deps, lease, async () => {
    for (;;) {
      if (Date.now() > budget.deadline) {
        await lease.handOver();
        return 'continue';
      }
      const changes = await deps.changeLog.changes(importId, total - lease.record.checkpoint, CHUNK);
      if (changes.length === 0) break;
      const outcome = await undoChunk(deps, lease.run(actor.requestId), changes);
      const undone = lease.record.undone ?? { restored: 0, refused: 0, refusedListed: [] };
      const restored = undone.restored + outcome.restored;
      const refused = undone.refused + outcome.refused.length;
      await lease.checkpoint(
        total - (changes.at(-1)?.seq ?? 0),
        {
          undone: {
            restored,
            refused,
            refusedListed: [...undone.refusedListed, ...outcome.refused].slice(0, LISTED),
          },
        },
        restored + refused,
      );
    }
    await lease.finish('undone', actor);
    return 'done';
  });
}

async function undoChunk(
  deps: ApplyDeps,
  run: Run,
  changes: readonly Change[],
): Promise<{ restored: number; refused: RowNote[] }> {
  let restored = 0;
  const refused: RowNote[] = [];
  for (const [kind, group] of byKind(deps, changes, 'undo')) {
    await run.keep();
    const outcome = await kind.undo(group, run);
    restored += outcome.restored;
    refused.push(...outcome.refused);
  }
  return { restored, refused };
}

/**
 * The plan's parts in row order, the last one read kept: a part holds several chunks, and is read (and
 * decompressed and parsed) once for all of them.
 */
function planParts(deps: ApplyDeps, importId: string): (part: number) => Promise<StoredPlanEntry[]> {
  let last: { part: number; entries: Promise<StoredPlanEntry[]> } | undefined;
  return (part) => {
    if (last?.part !== part) {
      const entries = deps.files.planPart(importId, 'all', part);
      // A read that failed is not kept: the next chunk reads the part again.
      entries.catch(() => {
        if (last?.entries === entries) last = undefined;
      });
      last = { part, entries };
    }
    return last.entries;
  };
}

async function chunkOf(
  parts: (part: number) => Promise<StoredPlanEntry[]>,
  from: number,
  total: number,
): Promise<StoredPlanEntry[]> {
  const part = Math.floor(from / PLAN_PART_ENTRIES);
  const entries = await parts(part);
  const offset = from % PLAN_PART_ENTRIES;
  return entries.slice(offset, Math.min(offset + CHUNK, total - part * PLAN_PART_ENTRIES));
}

/** Another run took the import over (this one outlasted its lease), or something else saved it meanwhile. */
class LeaseLostError extends Error {}

/** Runs the work while the lease is held; a run that lost it stops and leaves the import to the other. */
async function whileHeld(
  deps: ApplyDeps,
  lease: Lease,
  work: () => Promise<RunOutcome>,
): Promise<RunOutcome> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    deps.logger?.warn('import run stopped: it lost its lease', {
      importId: lease.record.id,
      run: lease.owner,
    });
    return 'skipped';
  }
}

/**
 * A run's hold on the import: the record as the run last saved it. Every save (renewal, checkpoint, hand
 * over, finish) is conditional on that version, so a run that was taken over cannot save again: it learns
 * it lost the lease, and stops.
 */
class Lease {
  private renewedAt: number;

  private constructor(
    private readonly deps: ApplyDeps,
    public record: ImportRecord,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {
    this.renewedAt = deps.runtime.now().getTime();
  }

  /**
   * Takes the import for this run: it is in `step`, and no other run holds a lease that has not run out (a
   * run that died lets its lease run out, and the next takes over from the checkpoint).
   */
  static async take(
    deps: ApplyDeps,
    importId: string,
    step: 'applying' | 'undoing',
    run: string,
    leaseMs: number,
  ): Promise<Lease | undefined> {
    const record = await deps.imports.get(importId);
    if (record?.status !== step) return undefined;
    const now = deps.runtime.now();
    if (record.lease && record.lease.run !== run && record.lease.until > now.toISOString()) return undefined;
    const taken: ImportRecord = {
      ...record,
      lease: { run, until: new Date(now.getTime() + leaseMs).toISOString() },
      applied:
        record.applied ?? (step === 'applying' ? { done: 0, conflicts: 0, conflictsListed: [] } : null),
      undone: record.undone ?? (step === 'undoing' ? { restored: 0, refused: 0, refusedListed: [] } : null),
      version: record.version + 1,
    };
    await deps.imports.save(taken, record.version);
    return new Lease(deps, taken, run, leaseMs);
  }

  /** The run as a chunk's kinds see it, renewing this lease when they ask. */
  run(requestId: string): Run {
    return { record: this.record, requestId, keep: () => this.keep() };
  }

  /** Renews the lease once a third of it has passed; throws LeaseLostError when another run holds it now. */
  async keep(): Promise<void> {
    if (this.deps.runtime.now().getTime() - this.renewedAt < this.leaseMs / 3) return;
    await this.save({});
  }

  /**
   * Saves the checkpoint and what the chunk did, renewing the lease. Progress is the position, unless the
   * step counts it otherwise (`done`: undo counts the changes it has been through).
   */
  async checkpoint(
    position: number,
    counts: Partial<Pick<ImportRecord, 'applied' | 'undone' | 'waited'>>,
    done = position,
  ): Promise<void> {
    await this.save({
      ...counts,
      checkpoint: position,
      progress: { ...this.record.progress, done: Math.min(done, this.record.progress.total) },
      updatedAt: this.deps.runtime.now().toISOString(),
    });
  }

  /** Lets the next run take over at once, from the checkpoint. */
  async handOver(): Promise<void> {
    await this.save({ lease: null });
  }

  async finish(status: 'applied' | 'undone', actor: Actor): Promise<void> {
    const { total } = this.record.progress;
    const before = this.record;
    await this.save(
      {
        status,
        lease: null,
        checkpoint: status === 'applied' ? before.checkpoint : 0,
        progress: { step: status, done: total, total },
        updatedAt: this.deps.runtime.now().toISOString(),
      },
      (finished) => audit(this.deps, actor, `import.${status}`, before, finished),
    );
  }

  /**
   * Saves the record with `changes` (and the lease renewed, unless given), if it is still as this run last
   * saved it; otherwise the lease is lost.
   */
  private async save(
    changes: Partial<ImportRecord>,
    audited?: (next: ImportRecord) => AuditRecord,
  ): Promise<void> {
    const now = this.deps.runtime.now();
    const next: ImportRecord = {
      ...this.record,
      lease: { run: this.owner, until: new Date(now.getTime() + this.leaseMs).toISOString() },
      ...changes,
      version: this.record.version + 1,
    };
    try {
      await this.deps.imports.save(next, this.record.version, audited?.(next));
    } catch (error) {
      const current = await this.deps.imports.get(this.record.id);
      if (current?.version !== this.record.version) throw new LeaseLostError();
      throw error;
    }
    this.record = next;
    this.renewedAt = now.getTime();
  }
}

/**
 * The hold a bulk enrollment takes on a course's seats. While it is held, no other enrollment can be created
 * and no seat can move, so the bulk run may write with BatchWriteItem without overwriting anyone. Other
 * writers wait for it (briefly) and retry. A run that stops half way leaves its hold to expire; whoever
 * comes next settles what it left: the audit records of what it wrote, and the seat count.
 */

import { BATCH_SUFFIX } from '../domain/audit.ts';
import type { Enrollment } from '../domain/enrollment.ts';
import { CourseBusyError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { auditChange } from './context.ts';
import type { AuditTrail, EnrollmentRepository, Runtime } from './ports.ts';

interface HoldDeps {
  enrollments: EnrollmentRepository;
  audit: Pick<AuditTrail, 'append'>;
  runtime: Runtime;
}

/** How long a hold lasts without being extended: a stopped run blocks its course at most this long. */
export const HOLD_MS = 60_000;
/** How long a writer waits for a running bulk enrollment before answering 409. */
const WAIT_MS = 5_000;
const WAIT_STEP_MS = 200;
/** Audit items per batch audit record (as the transactional path). */
export const AUDITED_PER_RECORD = 98;

/**
 * Runs `write`; while a bulk run holds the course it waits and tries again, and when a hold has expired it
 * settles the stopped run first. CourseBusyError when the course stays held.
 */
export async function whileHeld<T>(
  deps: HoldDeps,
  actor: Actor,
  courseId: string,
  write: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof CourseBusyError)) throw error;
      if (error.expired) await settleCourse(deps, actor, courseId);
      else if (Date.now() > deadline) throw error;
      else await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }
}

/** Takes the course's hold (settling a stopped run), runs `work` under it, and releases it with the seats taken. */
export async function underHold(
  deps: HoldDeps,
  actor: Actor,
  courseId: string,
  work: (run: string) => Promise<number>,
): Promise<void> {
  const run = deps.runtime.newId();
  const { takenOver } = await deps.enrollments.claimForBulk(
    courseId,
    run,
    holdUntil(deps),
    deps.runtime.now().toISOString(),
  );
  if (takenOver) await settleRun(deps, actor, courseId, takenOver, run);
  let seatsTaken: number;
  try {
    seatsTaken = await work(run);
  } catch (error) {
    // Settle our own run now rather than leave the course held until the hold expires.
    await settleRun(deps, actor, courseId, run, run).catch(() => undefined);
    await deps.enrollments.releaseBulk(courseId, run, 0).catch(() => undefined);
    throw error;
  }
  await deps.enrollments.releaseBulk(courseId, run, seatsTaken);
}

export function holdUntil(deps: Pick<HoldDeps, 'runtime'>): string {
  return new Date(deps.runtime.now().getTime() + HOLD_MS).toISOString();
}

/** A stopped run's hold found expired by a writer: take it, settle, release. */
async function settleCourse(deps: HoldDeps, actor: Actor, courseId: string): Promise<void> {
  try {
    await underHold(deps, actor, courseId, async () => 0);
  } catch (error) {
    // Someone else is settling it (or started a run): the writer's next try waits for them.
    if (!(error instanceof CourseBusyError)) throw error;
  }
}

/** Audit records for what `stopped` wrote without one, then the seat count, under the hold of `holder`. */
async function settleRun(deps: HoldDeps, actor: Actor, courseId: string, stopped: string, holder: string) {
  const { written, audited } = await deps.enrollments.bulkLeftovers(courseId, stopped);
  const missing = written.filter((enrollment) => !audited.has(enrollment.userId));
  for (let start = 0; start < missing.length; start += AUDITED_PER_RECORD)
    await deps.audit.append(
      bulkAudit(deps, actor, missing.slice(start, start + AUDITED_PER_RECORD), stopped),
    );
  await deps.enrollments.recountSeats(courseId, holder);
}

/**
 * One audit record for a batch of new enrollments, naming the bulk run when there is one; the publisher makes
 * one `enrollment.created` event of each item.
 */
export function bulkAudit(
  deps: Pick<HoldDeps, 'runtime'>,
  actor: Actor,
  enrollments: readonly Enrollment[],
  run?: string,
) {
  const items = enrollments.map((enrollment) => ({
    subject: `enrollment:${enrollment.courseId}:${enrollment.userId}`,
    before: null,
    after: enrollment,
  }));
  return auditChange(
    deps.runtime,
    actor,
    `enrollment.created${BATCH_SUFFIX}`,
    `course:${enrollments[0]?.courseId}`,
    null,
    run ? { run, items } : { items },
  );
}

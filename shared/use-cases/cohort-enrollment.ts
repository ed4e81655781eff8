/**
 * Cohort sync: a cohort linked to a course enrolls its members (source `cohort`, reference `cohort:<id>`),
 * enrolls whoever joins later, and on leaving withdraws or keeps the person, as the link says.
 *
 * Enrolling a whole cohort: into a course without a capacity, from 200 people on, under the course's hold
 * (`course-hold.ts`: nobody else can create an enrollment meanwhile) with BatchWriteItem, then one audit
 * record per 98; otherwise one transaction per 98 new people (their enrollments, their seats checked
 * against the capacity, one audit record). People already enrolled, coming back, or beyond a full course's
 * seats go one by one. Linking again finishes a run that stopped half way; so does the next writer.
 */
import type { CohortCourseLink, CohortEnrollmentResult, DueRule } from '../domain/cohort.ts';
import type { Enrollment, EnrollmentSource } from '../domain/enrollment.ts';
import {
  AlreadyEnrolledError,
  ConflictError,
  CourseFullError,
  NotFoundError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import type { User } from '../domain/user.ts';
import type { CohortDeps } from './cohorts.ts';
import { auditChange } from './context.ts';
import { AUDITED_PER_RECORD, bulkAudit, holdUntil, underHold, whileHeld } from './course-hold.ts';
import {
  assertDueNotPast,
  dueDate,
  type EnrollmentDeps,
  enrollableCourse,
  enrollPerson,
  newEnrollment,
  promoteFromWaitlist,
  STALE_ATTEMPTS,
} from './enrollment.ts';

export type CohortEnrollmentDeps = EnrollmentDeps &
  Pick<CohortDeps, 'cohorts'> & {
    users: EnrollmentDeps['users'] & Pick<CohortDeps['users'], 'getMany'>;
  };

/**
 * From this many people, a course without a capacity is enrolled under its hold with BatchWriteItem; below,
 * and for courses with a capacity (every seat checked against it), in transactions.
 */
const BULK_THRESHOLD = 200;
/** The hold is extended after each part this size, so a long run keeps it and a stopped one loses it soon. */
const WRITTEN_PER_HOLD_EXTENSION = 2_000;
/** New enrollments per transaction: the other two actions are the seats and the audit record. */
const ENROLLMENTS_PER_TRANSACTION = 98;

/** Steps: cohort and course exist, course takes enrollments, due date not past -> link (or the same link again) -> enroll every member. */
export async function linkCohortToCourse(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  cohortId: string,
  input: { courseId: string; onLeave: CohortCourseLink['onLeave']; due?: DueRule | undefined },
): Promise<CohortEnrollmentResult> {
  const cohort = await deps.cohorts.get(cohortId);
  if (!cohort) throw new NotFoundError('cohort', cohortId);
  const course = await enrollableCourse(deps, input.courseId);
  assertDueNotPast(input.due, deps.runtime.now(), 'body.due.at');
  const wanted: CohortCourseLink = {
    cohortId,
    courseId: course.id,
    onLeave: input.onLeave,
    due: input.due ?? null,
    createdAt: deps.runtime.now().toISOString(),
    createdBy: actor.principal.email ?? actor.principal.sub,
  };
  const existing = (await deps.cohorts.links(cohortId)).find((link) => link.courseId === course.id);
  let link = wanted;
  if (existing) {
    if (existing.onLeave !== wanted.onLeave || JSON.stringify(existing.due) !== JSON.stringify(wanted.due))
      throw new ConflictError(
        `${cohort.name} is already linked to ${course.title} with other settings; unlink it first to change them.`,
      );
    link = existing;
  } else {
    await deps.cohorts.putLink(
      link,
      auditChange(deps.runtime, actor, 'cohort.course-linked', `cohort:${cohortId}`, null, link),
    );
  }
  const memberIds = await deps.cohorts.allMemberIds(cohortId);
  return { link, ...(await enrollMany(deps, actor, course, memberIds, link)) };
}

export async function unlinkCohortFromCourse(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  cohortId: string,
  courseId: string,
): Promise<void> {
  const link = (await deps.cohorts.links(cohortId)).find((candidate) => candidate.courseId === courseId);
  if (!link) throw new NotFoundError('cohort link', `${cohortId}/${courseId}`);
  // Enrollments stay: their `cohort` source keeps saying how they came; the link only stops syncing.
  await deps.cohorts.deleteLink(
    link,
    auditChange(deps.runtime, actor, 'cohort.course-unlinked', `cohort:${cohortId}`, link, null),
  );
}

export async function listCohortLinks(deps: CohortEnrollmentDeps, cohortId: string) {
  if (!(await deps.cohorts.get(cohortId))) throw new NotFoundError('cohort', cohortId);
  return deps.cohorts.links(cohortId);
}

/** A person joined a cohort: enroll them in each course the cohort is linked to. */
export async function enrollJoiner(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  cohortId: string,
  userId: string,
): Promise<void> {
  const user = await deps.users.get(userId);
  if (user?.status !== 'active') return;
  for (const link of await deps.cohorts.links(cohortId)) {
    const course = await deps.catalog.getCourse(link.courseId);
    if (!course || course.status === 'archived') continue;
    const due = dueDate(link.due, user.hireDate, deps.runtime.now());
    await enrollPerson(deps, actor, course, userId, cohortSource(actor, cohortId, deps), due);
  }
}

/**
 * A person left a cohort. For each linked course whose policy is `withdraw`, the cohort's source is removed;
 * with no source left the enrollment is withdrawn (a completion is kept as a record). `keep` leaves it as is.
 */
export async function settleLeaver(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  cohortId: string,
  userId: string,
): Promise<void> {
  for (const link of await deps.cohorts.links(cohortId)) {
    if (link.onLeave === 'keep') continue;
    for (let attempt = 1; ; attempt++) {
      try {
        await dropCohortSource(deps, actor, link, userId);
        break;
      } catch (error) {
        // Another writer changed the enrollment meanwhile: decide again on what it is now.
        if (!(error instanceof StaleVersionError) || attempt >= STALE_ATTEMPTS) throw error;
      }
    }
  }
}

async function dropCohortSource(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  link: CohortCourseLink,
  userId: string,
): Promise<void> {
  const reference = `cohort:${link.cohortId}`;
  const before = await deps.enrollments.get(link.courseId, userId);
  if (!before?.sources.some((source) => source.reference === reference)) return;
  const sources = before.sources.filter((source) => source.reference !== reference);
  const now = deps.runtime.now().toISOString();
  const withdraw = sources.length === 0 && before.status !== 'completed' && before.status !== 'withdrawn';
  const after: Enrollment = {
    ...before,
    sources,
    status: withdraw ? 'withdrawn' : before.status,
    history: withdraw
      ? [...before.history, { status: 'withdrawn', at: now, by: reference, reason: 'left the cohort' }]
      : before.history,
    version: before.version + 1,
  };
  const action = withdraw ? 'enrollment.withdrawn' : 'enrollment.source-removed';
  await whileHeld(deps, actor, link.courseId, () =>
    deps.enrollments.save(
      before,
      after,
      auditChange(deps.runtime, actor, action, `enrollment:${link.courseId}:${userId}`, before, after),
    ),
  );
  if (withdraw) {
    const course = await deps.catalog.getCourse(link.courseId);
    if (course) await promoteFromWaitlist(deps, actor, course.id, course.capacity);
  }
}

function cohortSource(
  actor: Actor,
  cohortId: string,
  deps: Pick<EnrollmentDeps, 'runtime'>,
): EnrollmentSource {
  return {
    source: 'cohort',
    actor: actor.principal.email ?? actor.principal.sub,
    reference: `cohort:${cohortId}`,
    at: deps.runtime.now().toISOString(),
  };
}

/** Enrolls many people into one course: new ones in batches, everyone else one by one. */
async function enrollMany(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  course: { id: string; title: string; capacity: number | null },
  userIds: readonly string[],
  link: CohortCourseLink,
): Promise<Omit<CohortEnrollmentResult, 'link'>> {
  const source = cohortSource(actor, link.cohortId, deps);
  const now = deps.runtime.now();
  const result = {
    enrolled: 0,
    alreadyEnrolled: 0,
    waitlisted: 0,
    refused: [] as { userId: string; reason: string }[],
  };
  const oneByOne: User[] = [];
  const enrollmentOf = (user: User) =>
    newEnrollment(
      course.id,
      user.id,
      source,
      now.toISOString(),
      dueDate(link.due, user.hireDate, now),
      source.actor,
      null,
    );
  /** The people with no enrollment yet; the others are refused or go one by one. */
  const newcomers = (ids: readonly string[], found: Map<string, User>, existing: Set<string>): User[] =>
    ids.flatMap((userId) => {
      const user = found.get(userId);
      if (!user) result.refused.push({ userId, reason: 'no such user' });
      else if (user.status !== 'active') result.refused.push({ userId, reason: 'the user is suspended' });
      else if (existing.has(userId)) oneByOne.push(user);
      else return [user];
      return [];
    });

  if (course.capacity === null && userIds.length >= BULK_THRESHOLD) {
    // Under the course's hold nobody else creates enrollments, so new ones need no condition each.
    await underHold(deps, actor, course.id, async (run) => {
      const existing = new Set((await deps.enrollments.allForCourse(course.id)).map((e) => e.userId));
      const found = new Map((await readPeople(deps, userIds)).map((user) => [user.id, user]));
      const fresh = newcomers(userIds, found, existing).map(enrollmentOf);
      for (let start = 0; start < fresh.length; start += WRITTEN_PER_HOLD_EXTENSION) {
        const part = fresh.slice(start, start + WRITTEN_PER_HOLD_EXTENSION);
        await deps.enrollments.writeBulk(part, run);
        // Audit records after the items they describe: no event is published for an enrollment not written.
        for (let from = 0; from < part.length; from += AUDITED_PER_RECORD)
          await deps.audit.append(bulkAudit(deps, actor, part.slice(from, from + AUDITED_PER_RECORD), run));
        await deps.enrollments.extendBulk(course.id, run, holdUntil(deps));
      }
      result.enrolled += fresh.length;
      return fresh.length;
    });
    return oneAtATime(deps, actor, course, oneByOne, source, link, now, result);
  }

  const existing = new Set(
    (await deps.enrollments.allForCourse(course.id)).map((enrollment) => enrollment.userId),
  );
  const chunks: string[][] = [];
  for (let start = 0; start < userIds.length; start += ENROLLMENTS_PER_TRANSACTION)
    chunks.push(userIds.slice(start, start + ENROLLMENTS_PER_TRANSACTION));
  // One chunk of people is read while the previous chunk's transaction is written.
  let reading = chunks[0] ? deps.users.getMany(chunks[0]) : undefined;
  for (let index = 0; index < chunks.length; index++) {
    const found = new Map(((await reading) ?? []).map((user) => [user.id, user]));
    const next = chunks[index + 1];
    reading = next ? deps.users.getMany(next) : undefined;
    const fresh = newcomers(chunks[index] ?? [], found, existing);
    if (fresh.length === 0) continue;
    const enrollments = fresh.map(enrollmentOf);
    try {
      await deps.enrollments.enrollBatch(enrollments, course.capacity, bulkAudit(deps, actor, enrollments));
      result.enrolled += fresh.length;
    } catch (error) {
      // Not all fit, or someone enrolled meanwhile: these people go one by one (seats, then the waitlist).
      if (!(error instanceof CourseFullError) && !(error instanceof AlreadyEnrolledError)) throw error;
      oneByOne.push(...fresh);
    }
  }

  await oneAtATime(deps, actor, course, oneByOne, source, link, now, result);
  return result;
}

/** People already enrolled, coming back, or beyond the seats: one by one, each outcome counted. */
async function oneAtATime(
  deps: CohortEnrollmentDeps,
  actor: Actor,
  course: { id: string; capacity: number | null },
  people: readonly User[],
  source: EnrollmentSource,
  link: CohortCourseLink,
  now: Date,
  result: Omit<CohortEnrollmentResult, 'link'>,
): Promise<Omit<CohortEnrollmentResult, 'link'>> {
  for (const user of people) {
    const due = dueDate(link.due, user.hireDate, now);
    const outcome = await enrollPerson(deps, actor, course, user.id, source, due);
    if (outcome.outcome === 'enrolled') result.enrolled++;
    else if (outcome.outcome === 'waitlisted' || outcome.outcome === 'already-waitlisted')
      result.waitlisted++;
    else if (outcome.outcome === 'already-enrolled') result.alreadyEnrolled++;
    else result.refused.push({ userId: user.id, reason: outcome.reason ?? 'refused' });
  }
  return result;
}

/** Profiles of many people, 100 per BatchGetItem, a few calls at once. */
async function readPeople(deps: CohortEnrollmentDeps, userIds: readonly string[]): Promise<User[]> {
  const chunks: string[][] = [];
  for (let start = 0; start < userIds.length; start += 100) chunks.push(userIds.slice(start, start + 100));
  const found: User[] = [];
  await Promise.all(
    Array.from({ length: Math.min(4, chunks.length) }, async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift())
        found.push(...(await deps.users.getMany(chunk)));
    }),
  );
  return found;
}

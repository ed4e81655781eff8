/**
 * Enrollment: every way a person gets into a course goes through `enroll`, which records the source with
 * its provenance. A second source joins the existing enrollment instead of making a duplicate. A full
 * course queues people on its waitlist in arrival order; a withdrawal frees the seat and promotes the first
 * in line. Capacity is enforced by the store's conditional transactions, never by reading counts first.
 */

import type { DueRule } from '../domain/cohort.ts';
import type { Course } from '../domain/course.ts';
import type {
  CompletionOrigin,
  Enrollment,
  EnrollmentExplanation,
  EnrollmentOutcome,
  EnrollmentSource,
  WaitlistEntry,
} from '../domain/enrollment.ts';
import {
  AlreadyEnrolledError,
  AlreadyWaitlistedError,
  BusinessRuleError,
  ConflictError,
  CourseFullError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import { type Actor, actsOrganisationWide, isSelf } from '../domain/principal.ts';
import { accessScope, canSeeUser, type ScopeDeps } from './access-scope.ts';
import { auditChange } from './context.ts';
import { whileHeld } from './course-hold.ts';
import type {
  AuditTrail,
  CatalogRepository,
  CohortRepository,
  EnrollmentRepository,
  Page,
  PageRequest,
  Runtime,
  UserRepository,
} from './ports.ts';

export interface EnrollmentDeps extends ScopeDeps {
  enrollments: EnrollmentRepository;
  catalog: Pick<CatalogRepository, 'getCourse' | 'getCourses'>;
  users: Pick<UserRepository, 'get'>;
  /** Audit records written on their own (a bulk run's, after the items they describe). */
  audit: Pick<AuditTrail, 'append'>;
  runtime: Runtime;
  /** For explain: the cohorts behind cohort sources. @default none: cohort sources are not detailed */
  cohorts?: Pick<CohortRepository, 'get' | 'membershipsOf'>;
}

/**
 * Steps: the course takes enrollments and the caller may enroll into it -> for each person: they exist, are
 * active and within the caller's scope -> enroll, or add the source, or queue them. One outcome per person.
 */
export async function enrollUsers(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  input: {
    userIds: readonly string[];
    due?: DueRule | undefined;
    source?: 'manual' | 'api' | 'import' | undefined;
    reference?: string | undefined;
  },
): Promise<EnrollmentOutcome[]> {
  const course = await enrollableCourse(deps, courseId);
  assertDueNotPast(input.due, deps.runtime.now(), 'body.due.at');
  // Admins and the course's owners enroll anyone; managers enroll the people of their department subtree.
  const scope = await accessScope(actor.principal, deps);
  const owns =
    scope.kind === 'limited' && scope.selfId !== undefined && course.ownerIds.includes(scope.selfId);
  const enrollsAnyone = scope.kind === 'everything' || owns;
  if (!enrollsAnyone && !actor.principal.roles.includes('manager')) {
    throw new OutOfScopeError(`You do not own the course ${course.title}.`);
  }
  const provenance: EnrollmentSource = {
    source: input.source ?? 'manual',
    actor: actor.principal.email ?? actor.principal.sub,
    reference: input.reference ?? actor.requestId,
    at: deps.runtime.now().toISOString(),
  };
  const outcomes: EnrollmentOutcome[] = [];
  for (const userId of input.userIds) {
    const user = await deps.users.get(userId);
    if (!user) {
      outcomes.push({ userId, outcome: 'refused', reason: 'no such user' });
    } else if (user.status !== 'active') {
      outcomes.push({ userId, outcome: 'refused', reason: 'the user is suspended' });
    } else if (!enrollsAnyone && !canSeeUser(scope, user)) {
      outcomes.push({ userId, outcome: 'refused', reason: 'outside the departments you manage' });
    } else {
      const dueAt = dueDate(input.due, user.hireDate, deps.runtime.now());
      outcomes.push(await enrollPerson(deps, actor, course, userId, provenance, dueAt));
    }
  }
  return outcomes;
}

/** The course exists and takes enrollments (not archived). */
export async function enrollableCourse(
  deps: Pick<EnrollmentDeps, 'catalog'>,
  courseId: string,
): Promise<Course> {
  const course = await deps.catalog.getCourse(courseId);
  if (!course) throw new NotFoundError('course', courseId);
  if (course.status === 'archived') {
    throw new BusinessRuleError(`${course.title} is archived: it takes no new enrollments.`, [
      { path: 'params.id', message: 'archived course' },
    ]);
  }
  return course;
}

/**
 * One person into one course, whatever the source: a new enrollment, or the source added to their existing
 * one, or their withdrawn one reactivated, or a place on the waitlist when the course is full.
 */
export function enrollPerson(
  deps: EnrollmentDeps,
  actor: Actor,
  course: Pick<Course, 'id' | 'capacity'>,
  userId: string,
  source: EnrollmentSource,
  dueAt: string | null,
): Promise<EnrollmentOutcome> {
  return whileHeld(deps, actor, course.id, () => enrollOnce(deps, actor, course, userId, source, dueAt));
}

async function enrollOnce(
  deps: EnrollmentDeps,
  actor: Actor,
  course: Pick<Course, 'id' | 'capacity'>,
  userId: string,
  source: EnrollmentSource,
  dueAt: string | null,
): Promise<EnrollmentOutcome> {
  const courseId = course.id;
  const capacity = course.capacity;
  const existing = await deps.enrollments.get(courseId, userId);
  const returning =
    existing !== undefined && (existing.status === 'withdrawn' || existing.status === 'expired');
  if (existing && !returning) return joinExisting(deps, actor, existing, source);
  const now = deps.runtime.now().toISOString();
  if (existing && returning) {
    const back = {
      ...comeBack(existing, source, now, null),
      dueAt: dueAt ?? existing.dueAt,
      overdueAt: null,
    };
    try {
      await deps.enrollments.reactivate(
        existing,
        back,
        capacity,
        audit(deps, actor, 'enrollment.reactivated', existing, back),
      );
      return { userId, outcome: 'enrolled' };
    } catch (error) {
      if (!(error instanceof CourseFullError)) throw error;
    }
    return queue(deps, actor, courseId, userId, source);
  }
  const enrollment = newEnrollment(courseId, userId, source, now, dueAt, source.actor, null);
  try {
    await deps.enrollments.enroll(
      enrollment,
      capacity,
      audit(deps, actor, 'enrollment.created', null, enrollment),
    );
    return { userId, outcome: 'enrolled' };
  } catch (error) {
    if (error instanceof AlreadyEnrolledError) {
      const raced = await deps.enrollments.get(courseId, userId);
      if (raced) return joinExisting(deps, actor, raced, source);
    }
    if (!(error instanceof CourseFullError)) throw error;
  }
  return queue(deps, actor, courseId, userId, source);
}

/** A first enrollment, as every source creates it. */
export function newEnrollment(
  courseId: string,
  userId: string,
  source: EnrollmentSource,
  now: string,
  dueAt: string | null,
  by: string,
  reason: string | null,
): Enrollment {
  return {
    courseId,
    userId,
    status: 'enrolled',
    sources: [source],
    enrolledAt: now,
    dueAt,
    overdueAt: null,
    completedAt: null,
    expiresAt: null,
    recertifyAt: null,
    score: null,
    timeSpentSeconds: 0,
    completionOrigin: null,
    contentVersion: null,
    history: [{ status: 'enrolled', at: now, by, reason }],
    version: 1,
  };
}

/** The due date a rule gives a person enrolled at `now` (hire-date rules fall back to the enrollment date). */
export function dueDate(due: DueRule | undefined | null, hireDate: string | null, now: Date): string | null {
  if (!due) return null;
  if (due.from === 'fixed') return due.at;
  const start = due.from === 'hireDate' && hireDate ? Date.parse(`${hireDate}T00:00:00Z`) : now.getTime();
  return new Date(start + due.days * DAY_MS).toISOString();
}

export function assertDueNotPast(due: DueRule | undefined, now: Date, path: string): void {
  if (due?.from === 'fixed' && Date.parse(due.at) <= now.getTime()) {
    throw new BusinessRuleError(`The due date ${due.at} is in the past.`, [{ path, message: 'in the past' }]);
  }
}

const DAY_MS = 86_400_000;

/** A returning person's enrollment, active again, with its history and the new source kept. */
export function comeBack(
  existing: Enrollment,
  source: EnrollmentSource,
  now: string,
  reason: string | null,
): Enrollment {
  const known = existing.sources.some((s) => s.source === source.source && s.reference === source.reference);
  return {
    ...existing,
    status: 'enrolled',
    sources: known ? existing.sources : [...existing.sources, source],
    enrolledAt: now,
    completedAt: null,
    completionOrigin: null,
    history: [...existing.history, { status: 'enrolled', at: now, by: source.actor, reason }],
    version: existing.version + 1,
  };
}

/** Puts the person on the course's waitlist at the next position. */
async function queue(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  userId: string,
  source: EnrollmentSource,
): Promise<EnrollmentOutcome> {
  const entry: WaitlistEntry = {
    courseId,
    userId,
    position: await deps.enrollments.nextWaitlistPosition(courseId),
    source,
  };
  try {
    await deps.enrollments.addToWaitlist(entry, audit(deps, actor, 'enrollment.waitlisted', null, entry));
    return { userId, outcome: 'waitlisted', position: entry.position };
  } catch (error) {
    if (error instanceof AlreadyWaitlistedError) return { userId, outcome: 'already-waitlisted' };
    if (error instanceof AlreadyEnrolledError) return { userId, outcome: 'already-enrolled' };
    throw error;
  }
}

/** One enrollment, many sources: a source already recorded (same kind and reference) is not added twice. */
async function joinExisting(
  deps: EnrollmentDeps,
  actor: Actor,
  existing: Enrollment,
  source: EnrollmentSource,
): Promise<EnrollmentOutcome> {
  let current = existing;
  // Another source may change the enrollment meanwhile (cohort sync runs beside people): read again and retry.
  for (let attempt = 1; ; attempt++) {
    const known = current.sources.some((s) => s.source === source.source && s.reference === source.reference);
    if (known) break;
    try {
      await deps.enrollments.addSource(
        current,
        source,
        audit(deps, actor, 'enrollment.source-added', current, {
          ...current,
          sources: [...current.sources, source],
        }),
      );
      break;
    } catch (error) {
      const again = await deps.enrollments.get(current.courseId, current.userId);
      if (!(error instanceof StaleVersionError) || !again || attempt >= STALE_ATTEMPTS) throw error;
      current = again;
    }
  }
  return { userId: current.userId, outcome: 'already-enrolled', reason: `already ${current.status}` };
}

/** Re-reads of an enrollment another writer changed meanwhile, before giving up with the 412. */
export const STALE_ATTEMPTS = 3;

/** Steps: the enrollment holds a seat -> withdraw it (seat freed) -> promote the first in line, if any. */
export async function withdrawEnrollment(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  userId: string,
  reason: string,
): Promise<Enrollment> {
  const course = await deps.catalog.getCourse(courseId);
  if (!course) throw new NotFoundError('course', courseId);
  const before = await deps.enrollments.get(courseId, userId);
  if (!before) throw new NotFoundError('enrollment', `${courseId}/${userId}`);
  await assertMayManage(deps, actor, course.ownerIds, userId);
  if (before.status === 'withdrawn') return before;
  if (before.status === 'completed')
    throw new ConflictError('A completed enrollment is kept as a record; it cannot be withdrawn.');
  const now = deps.runtime.now().toISOString();
  const after = withdrawn(before, now, actor.principal.email ?? actor.principal.sub, reason);
  await whileHeld(deps, actor, courseId, () =>
    deps.enrollments.save(before, after, audit(deps, actor, 'enrollment.withdrawn', before, after)),
  );
  await promoteFromWaitlist(deps, actor, courseId, course.capacity);
  return after;
}

/** The enrollment withdrawn (its seat to be freed), with who did it and why in its history. */
export function withdrawn(before: Enrollment, at: string, by: string, reason: string): Enrollment {
  return {
    ...before,
    status: 'withdrawn',
    history: [...before.history, { status: 'withdrawn', at, by, reason }],
    version: before.version + 1,
  };
}

/** Fills free seats from the head of the waitlist, in order; stops when the course is full again. */
export async function promoteFromWaitlist(
  deps: Pick<EnrollmentDeps, 'enrollments' | 'audit' | 'runtime'>,
  actor: Actor,
  courseId: string,
  capacity: number | null,
) {
  for (;;) {
    const head = (await deps.enrollments.waitlist(courseId, { limit: 1 })).items[0];
    if (!head) return;
    const now = deps.runtime.now().toISOString();
    const reason = `promoted from position ${head.position}`;
    const previous = await deps.enrollments.get(courseId, head.userId);
    const enrollment: Enrollment = previous
      ? comeBack(previous, head.source, now, reason)
      : newEnrollment(courseId, head.userId, head.source, now, null, 'waitlist', reason);
    try {
      await whileHeld(deps, actor, courseId, () =>
        deps.enrollments.promote(
          head,
          enrollment,
          capacity,
          audit(deps, actor, 'enrollment.promoted', head, enrollment),
          previous,
        ),
      );
    } catch (error) {
      if (error instanceof CourseFullError) return;
      if (!(error instanceof ConflictError)) throw error; // someone else promoted this entry: look again
    }
  }
}

/**
 * Steps: admin or course owner, and not for themselves unless an admin -> a seated or failed enrollment ->
 * completed by hand, with the reason, audited.
 */
export async function completeEnrollment(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  userId: string,
  input: { reason: string; score?: number | undefined; completedAt?: string | undefined },
): Promise<Enrollment> {
  assertNotOwnRecord(actor, userId, 'record your own completion');
  const course = await ownedCourse(deps, actor, courseId);
  const before = await deps.enrollments.get(courseId, userId);
  if (!before) throw new NotFoundError('enrollment', `${courseId}/${userId}`);
  if (before.status === 'completed') return before;
  if (before.status === 'withdrawn') {
    throw new ConflictError('The enrollment is withdrawn; enroll the person again before completing it.');
  }
  const now = deps.runtime.now().toISOString();
  const completedAt = input.completedAt ?? now;
  if (completedAt > now) {
    throw new BusinessRuleError('A completion cannot be in the future.', [
      { path: 'body.completedAt', message: 'in the future' },
    ]);
  }
  const after = completed(before, course, {
    completedAt,
    score: input.score,
    at: now,
    by: actor.principal.email ?? actor.principal.sub,
    reason: input.reason,
  });
  await whileHeld(deps, actor, courseId, () =>
    deps.enrollments.save(before, after, audit(deps, actor, 'enrollment.completed', before, after)),
  );
  return after;
}

/**
 * The enrollment completed at `completedAt` (by hand, or an imported completion from another system): its
 * score, the certification it gives (see {@link certificationDates}), and who recorded it in its history.
 */
export function completed(
  before: Enrollment,
  course: Pick<Course, 'certification'>,
  completion: {
    completedAt: string;
    score?: number | undefined;
    /** A certificate's own expiry, as another system recorded it. @default the course's validity */
    expiresAt?: string | undefined;
    origin?: CompletionOrigin | undefined;
    at: string;
    by: string;
    reason: string;
  },
): Enrollment {
  return {
    ...before,
    ...certificationDates(course, completion.completedAt, completion.expiresAt),
    status: 'completed',
    completedAt: completion.completedAt,
    overdueAt: null,
    score: completion.score ?? before.score,
    completionOrigin: completion.origin ?? null,
    history: [
      ...before.history,
      { status: 'completed', at: completion.at, by: completion.by, reason: completion.reason },
    ],
    version: before.version + 1,
  };
}

/**
 * A completion of a certification course certifies until `expiresAt` (the course's validity after the
 * completion, or the certificate's own expiry when another system recorded one); recertification opens
 * `recertifyDaysBefore` it.
 */
export function certificationDates(
  course: Pick<Course, 'certification'>,
  completedAt: string,
  expiresAt?: string,
): Pick<Enrollment, 'expiresAt' | 'recertifyAt'> {
  if (!course.certification) return { expiresAt: null, recertifyAt: null };
  const expires = expiresAt
    ? Date.parse(expiresAt)
    : Date.parse(completedAt) + course.certification.validDays * DAY_MS;
  return {
    expiresAt: new Date(expires).toISOString(),
    recertifyAt: new Date(expires - course.certification.recertifyDaysBefore * DAY_MS).toISOString(),
  };
}

/**
 * Steps: the caller has an LMS profile and is active -> the course is published and allows self-enrollment
 * -> every prerequisite is completed (the missing ones are named) -> enroll, with the source `self`.
 */
export async function selfEnroll(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
): Promise<EnrollmentOutcome> {
  const self = actor.principal.userId;
  const user = self ? await deps.users.get(self) : undefined;
  if (!user) throw new OutOfScopeError('Your sign-in has no LMS profile yet; ask an administrator.');
  if (user.status !== 'active') throw new OutOfScopeError('Your account is suspended.');
  const course = await deps.catalog.getCourse(courseId);
  if (course?.status !== 'published') throw new NotFoundError('course', courseId);
  if (!course.selfEnrollment) {
    throw new BusinessRuleError(
      `${course.title} does not allow self-enrollment; ask your manager or an administrator.`,
      [{ path: 'course.selfEnrollment', message: 'false' }],
    );
  }
  const missing = (await prerequisiteStatus(deps, course, user.id)).filter(
    (prerequisite) => !prerequisite.met,
  );
  if (missing.length > 0) {
    const titles = missing.map((prerequisite) => prerequisite.title).join(', ');
    throw new BusinessRuleError(`Complete these courses first: ${titles}.`, [
      { path: 'prerequisites', message: titles },
    ]);
  }
  const source: EnrollmentSource = {
    source: 'self',
    actor: actor.principal.email ?? user.id,
    reference: actor.requestId,
    at: deps.runtime.now().toISOString(),
  };
  return enrollPerson(deps, actor, course, user.id, source, null);
}

/** Why is this person enrolled in this course, or why not: sources, queue, course state, prerequisites. */
export async function explainEnrollment(
  deps: EnrollmentDeps,
  actor: Actor,
  userId: string,
  courseId: string,
): Promise<EnrollmentExplanation> {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeUser(scope, user)) throw new OutOfScopeError(`The user ${userId} is outside what you may see.`);
  const course = await deps.catalog.getCourse(courseId);
  // A draft is not in the catalog: only administrators and its owners know it exists.
  const mayKnow =
    actsOrganisationWide(actor.principal) ||
    (actor.principal.userId !== null && course?.ownerIds.includes(actor.principal.userId));
  if (!course || (course.status === 'draft' && !mayKnow)) throw new NotFoundError('course', courseId);
  const [enrollment, waiting, seatsTaken, prerequisites] = await Promise.all([
    deps.enrollments.get(courseId, userId),
    deps.enrollments.getWaitlistEntry(courseId, userId),
    deps.enrollments.seatsTaken(courseId),
    prerequisiteStatus(deps, course, userId),
  ]);
  // A cohort's rule is the organisation's configuration (who counts as what): administrators only.
  const cohorts = (await cohortsBehind(deps, enrollment?.sources ?? [], userId)).map((cohort) =>
    actor.principal.roles.includes('admin') ? cohort : { ...cohort, rule: null },
  );
  const reasons: string[] = [];
  if (enrollment) {
    const by = enrollment.sources.map(
      (s) => `${s.source} by ${s.actor} on ${s.at.slice(0, 10)} (${s.reference})`,
    );
    reasons.push(
      `${enrollment.status === 'withdrawn' ? 'Was enrolled' : 'Enrolled'} through ${by.join('; ')}.`,
    );
    const last = enrollment.history.at(-1);
    for (const cohort of cohorts)
      reasons.push(
        `Cohort ${cohort.name} (${cohort.kind === 'rule' ? 'its rule matches the person' : 'listed by hand'}): ${cohort.stillMember ? 'still a member' : 'no longer a member'}.`,
      );
    if (last && last.status !== 'enrolled')
      reasons.push(
        `Now ${last.status} since ${last.at.slice(0, 10)}${last.reason ? `: ${last.reason}` : ''}.`,
      );
  } else if (waiting) {
    reasons.push(
      `On the waitlist at position ${waiting.position}: all ${course.capacity} seats are taken (${waiting.source.source} by ${waiting.source.actor}).`,
    );
  } else {
    reasons.push('Not enrolled: no source has enrolled this person.');
  }
  if (course.status === 'archived') reasons.push('The course is archived: it takes no new enrollments.');
  if (course.status === 'draft') reasons.push('The course is a draft: it is not in the catalog yet.');
  if (!enrollment && !waiting) {
    reasons.push(
      course.selfEnrollment
        ? 'The course allows self-enrollment.'
        : "The course does not allow self-enrollment: an administrator, its instructor or the person's manager enrolls them.",
    );
    if (course.capacity !== null && seatsTaken >= course.capacity)
      reasons.push(`All ${course.capacity} seats are taken: a new enrollment would join the waitlist.`);
  }
  const unmet = prerequisites.filter((prerequisite) => !prerequisite.met);
  if (unmet.length > 0)
    reasons.push(
      `Prerequisites not completed: ${unmet.map((prerequisite) => prerequisite.title).join(', ')}.`,
    );
  if (user.status !== 'active') reasons.push('The person is suspended.');
  return {
    userId,
    courseId,
    enrolled:
      enrollment !== undefined && enrollment.status !== 'withdrawn' && enrollment.status !== 'expired',
    status: enrollment?.status ?? null,
    sources: enrollment?.sources ?? [],
    waitlistPosition: waiting?.position ?? null,
    course: {
      title: course.title,
      status: course.status,
      selfEnrollment: course.selfEnrollment,
      capacity: course.capacity,
      seatsTaken,
    },
    prerequisites,
    cohorts,
    history: enrollment?.history ?? [],
    reasons,
  };
}

/** Each cohort a `cohort:<id>` source names, with whether the person is still in it. */
async function cohortsBehind(deps: EnrollmentDeps, sources: readonly EnrollmentSource[], userId: string) {
  const { cohorts } = deps;
  const ids = [
    ...new Set(sources.flatMap((s) => (s.reference.startsWith('cohort:') ? [s.reference.slice(7)] : []))),
  ];
  if (!cohorts || ids.length === 0) return [];
  const memberOf = new Set((await cohorts.membershipsOf(userId)).map((member) => member.cohortId));
  const found = await Promise.all(ids.map((id) => cohorts.get(id)));
  return found.flatMap((cohort) =>
    cohort
      ? [
          {
            cohortId: cohort.id,
            name: cohort.name,
            kind: cohort.kind,
            rule: cohort.rule,
            stillMember: memberOf.has(cohort.id),
          },
        ]
      : [],
  );
}

export async function prerequisiteStatus(
  deps: Pick<EnrollmentDeps, 'catalog' | 'enrollments'>,
  course: Course,
  userId: string,
) {
  const prerequisites = await deps.catalog.getCourses(course.prerequisiteIds);
  return Promise.all(
    prerequisites.map(async (prerequisite) => ({
      courseId: prerequisite.id,
      title: prerequisite.title,
      met: (await deps.enrollments.get(prerequisite.id, userId))?.status === 'completed',
    })),
  );
}

export async function listCourseEnrollments(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  page: PageRequest,
): Promise<Page<Enrollment>> {
  await ownedCourse(deps, actor, courseId);
  return deps.enrollments.listForCourse(courseId, page);
}

export async function listWaitlist(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  page: PageRequest,
): Promise<Page<WaitlistEntry>> {
  await ownedCourse(deps, actor, courseId);
  return deps.enrollments.waitlist(courseId, page);
}

/** Admins: anyone's; managers: their department subtree's; learners: their own. */
export async function listUserEnrollments(
  deps: EnrollmentDeps,
  actor: Actor,
  userId: string,
): Promise<Enrollment[]> {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeUser(scope, user)) throw new OutOfScopeError(`The user ${userId} is outside what you may see.`);
  return deps.enrollments.listForUser(userId);
}

/** The course, when it exists and the caller is an administrator or one of its owners. */
export async function ownedCourse(
  deps: Pick<EnrollmentDeps, 'catalog'>,
  actor: Actor,
  courseId: string,
): Promise<Course> {
  const course = await deps.catalog.getCourse(courseId);
  if (!course) throw new NotFoundError('course', courseId);
  if (actsOrganisationWide(actor.principal)) return course;
  const self = actor.principal.userId;
  if (!self || !course.ownerIds.includes(self))
    throw new OutOfScopeError('Only administrators and the course owners see its enrollments.');
  return course;
}

/**
 * Separation of duties: a completion or a due date decides compliance (and certifications), so nobody but an
 * administrator changes their own; a manager or course owner asks someone else.
 */
export function assertNotOwnRecord(actor: Actor, userId: string, what: string): void {
  if (isSelf(actor.principal, userId) && !actor.principal.roles.includes('admin'))
    throw new OutOfScopeError(`Only an administrator may ${what}; ask another manager or an administrator.`);
}

/** Admins; owners of the course; managers for people in their subtree. */
async function assertMayManage(
  deps: EnrollmentDeps,
  actor: Actor,
  ownerIds: readonly string[],
  userId: string,
) {
  if (actsOrganisationWide(actor.principal)) return;
  const scope = await accessScope(actor.principal, deps);
  if (scope.kind === 'limited' && scope.selfId && ownerIds.includes(scope.selfId)) return;
  const user = await deps.users.get(userId);
  if (
    user &&
    actor.principal.roles.includes('manager') &&
    scope.kind === 'limited' &&
    user.departmentId &&
    scope.departmentIds.has(user.departmentId)
  )
    return;
  throw new OutOfScopeError('You may not change this enrollment.');
}

function audit(
  deps: Pick<EnrollmentDeps, 'runtime'>,
  actor: Actor,
  action: string,
  before: object | null,
  after: Enrollment | WaitlistEntry,
) {
  return auditChange(
    deps.runtime,
    actor,
    action,
    `enrollment:${after.courseId}:${after.userId}`,
    before,
    after,
  );
}

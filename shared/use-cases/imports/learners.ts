/**
 * The people and courses enrollment and completion rows name, looked up a window of rows at a time (one
 * BatchGetItem of each: claims, profiles, courses, enrollments), and what a row's entry looks like.
 */
import type { Course } from '../../domain/course.ts';
import type { Enrollment } from '../../domain/enrollment.ts';
import type { PlanAction, PlanEntry } from '../../domain/import.ts';
import type { User } from '../../domain/user.ts';
import type { LearnerInCourse, PersonRef } from '../../imports/enrollment-rows.ts';
import { same, unique } from './planning.ts';
import type { EnrollmentWrite, PlanDeps, StoredPlanEntry } from './ports.ts';

/** What a window's rows name, as the LMS has it now. */
export interface Found {
  byEmail: Map<string, string>;
  byExternalId: Map<string, string>;
  people: Map<string, User>;
  courses: Map<string, Course>;
  /** Course ids by code, in lower case. */
  byCode: Map<string, string>;
  /** By enrollmentKey (ports.ts). */
  enrollments: Map<string, Enrollment>;
}

export async function lookUp(deps: PlanDeps, subjects: readonly LearnerInCourse[]): Promise<Found> {
  const [byEmail, byExternalId, byCode] = await Promise.all([
    deps.peopleBulk.owners('email', unique(subjects.flatMap(({ person }) => person.email ?? []))),
    deps.peopleBulk.owners('externalId', unique(subjects.flatMap(({ person }) => person.externalId ?? []))),
    deps.courseBulk.owners(unique(subjects.flatMap((subject) => subject.courseCode ?? []))),
  ]);
  const [people, courses] = await Promise.all([
    deps.peopleBulk.current(unique([...byEmail.values(), ...byExternalId.values()])),
    deps.catalog.getCourses(
      unique([...subjects.flatMap((subject) => subject.courseId ?? []), ...byCode.values()]),
    ),
  ]);
  const found: Found = {
    byEmail,
    byExternalId,
    people,
    courses: new Map(courses.map((course) => [course.id, course])),
    byCode,
    enrollments: new Map(),
  };
  const named = subjects.flatMap((subject) => {
    const user = whom(subject.person, found);
    const course = courseOf(subject, found);
    return 'id' in user && 'id' in course ? [{ courseId: course.id, userId: user.id }] : [];
  });
  found.enrollments = await deps.enrollmentBulk.current(named);
  return found;
}

/** The person a row names (by external id and email, which must then agree), or the column and why not. */
export function whom(person: PersonRef, found: Found): User | { column: string | null; reason: string } {
  const byExternalId = person.externalId ? found.byExternalId.get(person.externalId) : undefined;
  const byEmail = person.email ? found.byEmail.get(person.email) : undefined;
  if (person.externalId && !byExternalId)
    return { column: 'external_id', reason: `no person with the external id ${person.externalId}` };
  if (person.email && !byEmail)
    return { column: 'email', reason: `no person with the email ${person.email}` };
  if (byExternalId && byEmail && byExternalId !== byEmail)
    return {
      column: 'email',
      reason: `${person.email} belongs to another person than the external id ${person.externalId}`,
    };
  const id = byExternalId ?? byEmail ?? '';
  return (
    found.people.get(id) ?? { column: null, reason: `the person ${id} changed while planning: plan again` }
  );
}

/** The course a row names (by id and code, which must then agree), or the column and why not. */
export function courseOf(
  subject: Pick<LearnerInCourse, 'courseId' | 'courseCode'>,
  found: Pick<Found, 'courses' | 'byCode'>,
): Course | { column: string; reason: string } {
  const byCode = subject.courseCode ? found.byCode.get(subject.courseCode) : undefined;
  if (subject.courseCode && !byCode)
    return { column: 'course_code', reason: `no course with the code ${subject.courseCode}` };
  if (subject.courseId && byCode && subject.courseId !== byCode)
    return {
      column: 'course_code',
      reason: `the code ${subject.courseCode} is another course's than the id ${subject.courseId}`,
    };
  const id = subject.courseId ?? byCode ?? '';
  return (
    found.courses.get(id) ?? {
      column: subject.courseId ? 'course_id' : 'course_code',
      reason: `no course with id ${id}`,
    }
  );
}

/** The column that names the person (the external id when the row gives it). */
export function personColumn(person: PersonRef): string {
  return person.externalId ? 'external_id' : 'email';
}

/** How the file names a person: the external id when the row gives it, else the email. */
export function personText(person: PersonRef): string {
  return person.externalId ?? person.email ?? '';
}

const DIFF_FIELDS = ['status', 'dueAt', 'completedAt', 'score', 'expiresAt', 'recertifyAt'] as const;

/** What an entry acts on: an enrollment (a course and a person), and how the file names it. */
export interface EnrollmentTarget {
  courseId: string;
  userId: string;
  key: string;
}

/**
 * The entry of a row (or of an enrollment a sync withdraws): the enrollment it writes, with the diffs, or
 * none (`unchanged`).
 */
export function enrollmentEntry(
  file: string,
  line: number,
  action: PlanAction,
  target: EnrollmentTarget,
  write: Omit<EnrollmentWrite, 'op'> | null,
  warnings?: string[],
): Omit<StoredPlanEntry, 'seq'> {
  return {
    file,
    line,
    action,
    target: { kind: 'enrollment', id: `${target.courseId}:${target.userId}`, key: target.key },
    diffs: write ? diffsOf(write.before, write.after) : {},
    ...(write ? { write: { op: 'enrollment', ...write } } : {}),
    ...(warnings?.length ? { warnings } : {}),
  };
}

/** Whether two ISO 8601 strings are the same instant (the API keeps `...Z`, the import `....000Z`). */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return a === b;
  return Date.parse(a) === Date.parse(b);
}

function diffsOf(before: Enrollment | null, after: Enrollment): PlanEntry['diffs'] {
  const diffs: PlanEntry['diffs'] = {};
  for (const field of DIFF_FIELDS) {
    const from = before ? before[field] : null;
    const to = after[field];
    if (before === null && to === null) continue;
    if (!same(from, to)) diffs[field] = { from, to };
  }
  return diffs;
}

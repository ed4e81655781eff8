/**
 * Compliance: due dates and certifications. The sweep (a scheduled job) acts on what the compliance queue
 * says is due: it flags overdue enrollments, re-enrolls certified people when their recertification window
 * opens (due at the expiry), and expires certifications that lapsed. Each step is a version-checked write
 * with its audit record, so a re-run after a crash does each thing once.
 */
import type { Course } from '../domain/course.ts';
import { type ComplianceRow, complianceStatus, type Enrollment } from '../domain/enrollment.ts';
import {
  BusinessRuleError,
  CourseBusyError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { accessScope, canSeeDepartment, canSeeUser } from './access-scope.ts';
import { auditChange } from './context.ts';
import { assertNotOwnRecord, type EnrollmentDeps } from './enrollment.ts';
import { peopleOfDepartments } from './people-of-departments.ts';
import type { DepartmentRepository, Page, UserRepository } from './ports.ts';

export type ComplianceDeps = EnrollmentDeps & {
  users: EnrollmentDeps['users'] & Pick<UserRepository, 'list'>;
  departments: EnrollmentDeps['departments'] & Pick<DepartmentRepository, 'get'>;
};

export interface SweepResult {
  overdue: number;
  recertifying: number;
  expired: number;
  /** Enrollments another writer changed meanwhile: the next run looks at them again. */
  skipped: number;
}

export async function runComplianceSweep(deps: EnrollmentDeps, actor: Actor, at: Date): Promise<SweepResult> {
  const now = at.toISOString();
  const result: SweepResult = { overdue: 0, recertifying: 0, expired: 0, skipped: 0 };
  const courses = new Map<string, Promise<Course | undefined>>();
  for (const due of await deps.enrollments.dueForCompliance(now)) {
    let course = courses.get(due.courseId);
    if (!course) {
      course = deps.catalog.getCourse(due.courseId);
      courses.set(due.courseId, course);
    }
    const step = sweepStep(due, now, await course);
    if (!step) continue;
    try {
      await deps.enrollments.save(
        due,
        step.after,
        auditChange(
          deps.runtime,
          actor,
          step.action,
          `enrollment:${due.courseId}:${due.userId}`,
          due,
          step.after,
        ),
      );
      result[step.counter]++;
    } catch (error) {
      // Changed meanwhile, or a bulk enrollment holds the course: the next run looks again.
      if (!(error instanceof StaleVersionError) && !(error instanceof CourseBusyError)) throw error;
      result.skipped++;
    }
  }
  return result;
}

/** What the sweep does with one enrollment at `now`, if anything. */
export function sweepStep(
  enrollment: Enrollment,
  now: string,
  course: Pick<Course, 'certification'> | undefined,
): { after: Enrollment; action: string; counter: 'overdue' | 'recertifying' | 'expired' } | undefined {
  const next = { ...enrollment, version: enrollment.version + 1 };
  const entry = (status: Enrollment['status'], reason: string) => ({
    status,
    at: now,
    by: 'compliance-sweep',
    reason,
  });
  if (enrollment.status === 'completed') {
    if (!enrollment.expiresAt || !enrollment.recertifyAt || enrollment.recertifyAt > now) return undefined;
    if (enrollment.expiresAt <= now || !course?.certification) {
      return {
        after: {
          ...next,
          status: 'expired',
          recertifyAt: null,
          history: [...enrollment.history, entry('expired', 'the certification lapsed')],
        },
        action: 'enrollment.expired',
        counter: 'expired',
      };
    }
    return {
      after: {
        ...next,
        status: 'enrolled',
        dueAt: enrollment.expiresAt,
        overdueAt: null,
        recertifyAt: null,
        sources: [
          ...enrollment.sources,
          {
            source: 'recertification',
            actor: 'compliance-sweep',
            reference: `certification:${enrollment.expiresAt}`,
            at: now,
          },
        ],
        history: [
          ...enrollment.history,
          entry(
            'enrolled',
            `recertification: the certification expires ${enrollment.expiresAt.slice(0, 10)}`,
          ),
        ],
      },
      action: 'enrollment.recertification-started',
      counter: 'recertifying',
    };
  }
  if (enrollment.status === 'withdrawn' || enrollment.status === 'expired') return undefined;
  if (enrollment.expiresAt && enrollment.expiresAt <= now) {
    return {
      after: {
        ...next,
        status: 'expired',
        history: [...enrollment.history, entry('expired', 'the certification lapsed before recertification')],
      },
      action: 'enrollment.expired',
      counter: 'expired',
    };
  }
  if (enrollment.dueAt && enrollment.dueAt <= now && !enrollment.overdueAt) {
    return { after: { ...next, overdueAt: now }, action: 'enrollment.overdue', counter: 'overdue' };
  }
  return undefined;
}

/**
 * Steps: not the caller's own enrollment unless an admin -> the caller may see it -> the new due date is not
 * past -> version-checked save.
 */
export async function updateEnrollmentDue(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  userId: string,
  expectedVersion: number,
  input: { dueAt: string | null; reason: string },
): Promise<Enrollment> {
  assertNotOwnRecord(actor, userId, 'change the due date of your own enrollment');
  const before = await getEnrollment(deps, actor, courseId, userId);
  if (before.version !== expectedVersion)
    throw new StaleVersionError('enrollment', `${courseId}/${userId}`, expectedVersion, before.version);
  const now = deps.runtime.now().toISOString();
  if (input.dueAt !== null && input.dueAt <= now)
    throw new BusinessRuleError(`The due date ${input.dueAt} is in the past.`, [
      { path: 'body.dueAt', message: 'in the past' },
    ]);
  const after = withDueDate(
    before,
    input.dueAt,
    now,
    actor.principal.email ?? actor.principal.sub,
    input.reason,
  );
  await deps.enrollments.save(
    before,
    after,
    auditChange(deps.runtime, actor, 'enrollment.updated', `enrollment:${courseId}:${userId}`, before, after),
  );
  return after;
}

/** The enrollment due at `dueAt` (null: no due date), no longer overdue, with the change in its history. */
export function withDueDate(
  before: Enrollment,
  dueAt: string | null,
  at: string,
  by: string,
  reason: string,
): Enrollment {
  return {
    ...before,
    dueAt,
    overdueAt: null,
    history: [
      ...before.history,
      { status: before.status, at, by, reason: `due date ${dueAt?.slice(0, 10) ?? 'removed'}: ${reason}` },
    ],
    version: before.version + 1,
  };
}

/** One enrollment, for admins, the course's owners, the person's managers and the person. */
export async function getEnrollment(
  deps: EnrollmentDeps,
  actor: Actor,
  courseId: string,
  userId: string,
): Promise<Enrollment> {
  const course = await deps.catalog.getCourse(courseId);
  if (!course) throw new NotFoundError('course', courseId);
  const enrollment = await deps.enrollments.get(courseId, userId);
  const user = await deps.users.get(userId);
  if (!enrollment || !user) throw new NotFoundError('enrollment', `${courseId}/${userId}`);
  const scope = await accessScope(actor.principal, deps);
  const owns =
    scope.kind === 'limited' && scope.selfId !== undefined && course.ownerIds.includes(scope.selfId);
  if (!owns && !canSeeUser(scope, user))
    throw new OutOfScopeError('This enrollment is outside what you may see.');
  return enrollment;
}

/**
 * The required enrollments (with a due date or a certification) of the people in a department subtree, a
 * page of people at a time, each with where it stands now. Managers ask for their own subtrees only.
 */
export async function listCompliance(
  deps: ComplianceDeps,
  actor: Actor,
  query: {
    departmentId: string;
    status?: ComplianceRow['status'] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<ComplianceRow>> {
  const department = await deps.departments.get(query.departmentId);
  if (!department) throw new NotFoundError('department', query.departmentId);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeDepartment(scope, department.id))
    throw new OutOfScopeError(`The department ${department.name} is outside the departments you manage.`);
  const departments = await deps.departments.subtree(department);
  const { items: people, nextCursor } = await peopleOfDepartments(
    deps.users,
    departments.map((d) => d.id),
    {},
    { limit: query.limit, cursor: query.cursor },
  );
  const now = deps.runtime.now().toISOString();
  const enrollments = (
    await Promise.all(people.map((person) => deps.enrollments.listForUser(person.id)))
  ).flat();
  const required = enrollments.filter(
    (enrollment) =>
      enrollment.status !== 'withdrawn' && (enrollment.dueAt !== null || enrollment.expiresAt !== null),
  );
  const courses = new Map(
    (await deps.catalog.getCourses([...new Set(required.map((e) => e.courseId))])).map((course) => [
      course.id,
      course,
    ]),
  );
  const byId = new Map(people.map((person) => [person.id, person]));
  const rows: ComplianceRow[] = [];
  for (const enrollment of required) {
    const person = byId.get(enrollment.userId);
    if (!person) continue;
    const status = complianceStatus(enrollment, now);
    if (query.status && status !== query.status) continue;
    rows.push({
      userId: person.id,
      email: person.email,
      name: `${person.givenName} ${person.familyName}`,
      departmentId: person.departmentId,
      courseId: enrollment.courseId,
      courseTitle: courses.get(enrollment.courseId)?.title ?? '',
      status,
      enrollmentStatus: enrollment.status,
      dueAt: enrollment.dueAt,
      completedAt: enrollment.completedAt,
      expiresAt: enrollment.expiresAt,
    });
  }
  return { items: rows, nextCursor };
}

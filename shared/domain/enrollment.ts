/**
 * Enrollments: why a person is in a course (every source, with its provenance), where they are in it, and
 * the seats and waitlist of courses with a capacity.
 */
import * as z from 'zod';
import { COHORT_KINDS, CohortRule, DueRule } from './cohort.ts';
import { Id, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';
import { UserIds } from './user.ts';

export const ENROLLMENT_STATUSES = [
  'enrolled',
  'in_progress',
  'completed',
  'failed',
  'withdrawn',
  'expired',
] as const;
export const EnrollmentStatus = z.enum(ENROLLMENT_STATUSES);
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

/** Statuses that hold a seat (a completion keeps its place in the session; leaving or lapsing frees it). */
export function holdsSeat(status: EnrollmentStatus): boolean {
  return status !== 'withdrawn' && status !== 'expired';
}

export const ENROLLMENT_SOURCES = ['manual', 'cohort', 'self', 'api', 'import', 'recertification'] as const;

/** One reason a person is enrolled: which source, who or what, in which batch or rule, when. */
export const EnrollmentSource = z.object({
  source: z.enum(ENROLLMENT_SOURCES),
  actor: z.string(),
  /** The request, import batch, cohort or rule that enrolled them. */
  reference: z.string(),
  at: IsoDateTime,
});
export type EnrollmentSource = z.infer<typeof EnrollmentSource>;

/** Where an imported completion was recorded first: the system, and the completion's id in it. */
export const CompletionOrigin = z.object({
  sourceSystem: z.string().nullable(),
  originalId: z.string().nullable(),
});
export type CompletionOrigin = z.infer<typeof CompletionOrigin>;

export const Enrollment = z
  .object({
    courseId: Id,
    userId: Id,
    status: EnrollmentStatus,
    sources: z.array(EnrollmentSource),
    enrolledAt: IsoDateTime,
    dueAt: IsoDateTime.nullable(),
    /** When the sweep found the enrollment past its due date without a completion. */
    overdueAt: IsoDateTime.nullable().default(null),
    completedAt: IsoDateTime.nullable(),
    /** Certification courses: when the certification earned by the completion lapses. */
    expiresAt: IsoDateTime.nullable().default(null),
    /** Certification courses: when the sweep enrolls the person again, before `expiresAt`. */
    recertifyAt: IsoDateTime.nullable().default(null),
    score: z.number().min(0).max(100).nullable(),
    /** Time spent in the course's content, over every attempt's sessions, in seconds. */
    timeSpentSeconds: z.number().min(0).default(0),
    /**
     * A completion imported from another system (historical completions): that system and the completion's
     * id there. null for a completion made in the LMS.
     */
    completionOrigin: CompletionOrigin.nullable().default(null),
    /** The content version the learner started; they stay on it when a new version is imported. */
    contentVersion: z.number().int().nullable(),
    history: z.array(
      z.object({ status: EnrollmentStatus, at: IsoDateTime, by: z.string(), reason: z.string().nullable() }),
    ),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Enrollment' });
export type Enrollment = z.infer<typeof Enrollment>;

/** A place in a full course's queue; `position` orders it (first come, first served). */
export const WaitlistEntry = z
  .object({ courseId: Id, userId: Id, position: z.number().int().min(1), source: EnrollmentSource })
  .meta({ id: 'WaitlistEntry' });
export type WaitlistEntry = z.infer<typeof WaitlistEntry>;

export const EnrollUsersBody = z
  .strictObject({
    userIds: UserIds,
    due: DueRule.optional(),
    source: z
      .enum(['manual', 'api', 'import'])
      .optional()
      .describe('Provenance recorded on the enrollment. Default: manual'),
    reference: text(200)
      .optional()
      .describe(
        "The caller's batch or import id, recorded as the source's reference. Default: the request id",
      ),
  })
  .meta({ id: 'EnrollUsers' });

export const EnrollmentOutcome = z.object({
  userId: Id,
  outcome: z.enum(['enrolled', 'already-enrolled', 'waitlisted', 'already-waitlisted', 'refused']),
  position: z.number().int().optional(),
  reason: z.string().optional(),
});
export type EnrollmentOutcome = z.infer<typeof EnrollmentOutcome>;

export const EnrollUsersResult = z
  .object({ results: z.array(EnrollmentOutcome) })
  .meta({ id: 'EnrollUsersResult' });

export const CourseEnrollmentParams = z.strictObject({ id: Id, userId: Id });

export const UpdateEnrollmentBody = z
  .strictObject({
    dueAt: IsoDateTime.nullable().describe('The new due date (not in the past), or null for none'),
    reason: text(500),
  })
  .meta({ id: 'UpdateEnrollment' });

export const COMPLIANCE_STATUSES = ['compliant', 'pending', 'overdue', 'expired'] as const;

/** Where one required enrollment stands: completed and valid, not yet due, past due, or lapsed. */
export function complianceStatus(
  enrollment: Pick<Enrollment, 'status' | 'dueAt' | 'expiresAt'>,
  now: string,
): (typeof COMPLIANCE_STATUSES)[number] {
  if (enrollment.status === 'expired') return 'expired';
  if (enrollment.status === 'completed')
    return enrollment.expiresAt !== null && enrollment.expiresAt <= now ? 'expired' : 'compliant';
  if (enrollment.expiresAt !== null && enrollment.expiresAt <= now) return 'expired';
  return enrollment.dueAt !== null && enrollment.dueAt < now ? 'overdue' : 'pending';
}

export const ComplianceQuery = z.strictObject({
  departmentId: Id.describe('The department; its sub-departments are included'),
  status: z.enum(COMPLIANCE_STATUSES).optional(),
  limit: PageLimit,
  cursor: PageCursor.optional(),
});

export const ComplianceRow = z
  .object({
    userId: Id,
    email: z.string(),
    name: z.string(),
    departmentId: Id.nullable(),
    courseId: Id,
    courseTitle: z.string(),
    status: z.enum(COMPLIANCE_STATUSES),
    enrollmentStatus: EnrollmentStatus,
    dueAt: IsoDateTime.nullable(),
    completedAt: IsoDateTime.nullable(),
    expiresAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ComplianceRow' });
export type ComplianceRow = z.infer<typeof ComplianceRow>;
export const ListEnrollmentsQuery = z.strictObject({ limit: PageLimit, cursor: PageCursor.optional() });

export const CompleteEnrollmentBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe('Why it is marked by hand, e.g. the offline session attended'),
    score: z.number().min(0).max(100).optional(),
    completedAt: IsoDateTime.optional().describe('Default: now; not in the future'),
  })
  .meta({ id: 'CompleteEnrollment' });

export const SelfEnrollmentResult = EnrollmentOutcome.meta({ id: 'SelfEnrollmentResult' });

/** Why a person is (or is not) enrolled in a course: everything an administrator checks, in one answer. */
export const EnrollmentExplanation = z
  .object({
    userId: Id,
    courseId: Id,
    enrolled: z.boolean(),
    status: EnrollmentStatus.nullable(),
    sources: z.array(EnrollmentSource),
    waitlistPosition: z.number().int().nullable(),
    course: z.object({
      title: z.string(),
      status: z.string(),
      selfEnrollment: z.boolean(),
      capacity: z.number().int().nullable(),
      seatsTaken: z.number().int(),
    }),
    prerequisites: z.array(z.object({ courseId: Id, title: z.string(), met: z.boolean() })),
    /** The cohorts among the sources: each with its rule and whether the person is still a member. */
    cohorts: z.array(
      z.object({
        cohortId: Id,
        name: z.string(),
        kind: z.enum(COHORT_KINDS),
        rule: CohortRule.nullable(),
        stillMember: z.boolean(),
      }),
    ),
    history: Enrollment.shape.history,
    reasons: z.array(z.string()),
  })
  .meta({ id: 'EnrollmentExplanation' });
export type EnrollmentExplanation = z.infer<typeof EnrollmentExplanation>;

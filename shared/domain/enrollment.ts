/**
 * Enrollments: why a person is in a course (every source, with its provenance), where they are in it, and
 * the seats and waitlist of courses with a capacity.
 */
import * as z from 'zod';
import { Id, IsoDateTime, PageCursor, PageLimit } from './common.ts';

export const ENROLLMENT_STATUSES = [
  'enrolled',
  'in_progress',
  'completed',
  'failed',
  'withdrawn',
  'expired',
] as const;
export const EnrollmentStatus = z.enum(ENROLLMENT_STATUSES);

export const ENROLLMENT_SOURCES = ['manual', 'cohort', 'self', 'api', 'import'] as const;

/** One reason a person is enrolled: which source, who or what, in which batch or rule, when. */
export const EnrollmentSource = z.object({
  source: z.enum(ENROLLMENT_SOURCES),
  actor: z.string(),
  /** The request, import batch, cohort or rule that enrolled them. */
  reference: z.string(),
  at: IsoDateTime,
});
export type EnrollmentSource = z.infer<typeof EnrollmentSource>;

export const Enrollment = z
  .object({
    courseId: Id,
    userId: Id,
    status: EnrollmentStatus,
    sources: z.array(EnrollmentSource),
    enrolledAt: IsoDateTime,
    dueAt: IsoDateTime.nullable(),
    completedAt: IsoDateTime.nullable(),
    score: z.number().min(0).max(100).nullable(),
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
    userIds: z
      .array(Id)
      .min(1)
      .max(100)
      .refine((ids) => new Set(ids).size === ids.length, 'each person once'),
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
    history: Enrollment.shape.history,
    reasons: z.array(z.string()),
  })
  .meta({ id: 'EnrollmentExplanation' });
export type EnrollmentExplanation = z.infer<typeof EnrollmentExplanation>;

/** The catalog: courses, their lifecycle, and what may be said about them. */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export const CourseStatus = z.enum(COURSE_STATUSES);
export type CourseStatus = z.infer<typeof CourseStatus>;

/** Lowercase slugs, so "Safety" and "safety" are one tag. */
export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9 _-]*$/, 'letters, digits, space, _ and - only');

/** An amount of money in a currency's main unit: 0 to 1,000,000, to the cent. */
export const Amount = z.number().min(0).max(1_000_000).multipleOf(0.01);
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

/**
 * What a course costs: `perSeat` for each person enrolled (a licence, a trainer's fee per head) and `fixed`
 * once (authoring, a venue), in one currency. Reports never add amounts of different currencies.
 */
export const CourseCost = z
  .strictObject({ perSeat: Amount, fixed: Amount, currency: Currency })
  .meta({ id: 'CourseCost' });
export type CourseCost = z.infer<typeof CourseCost>;

/**
 * A stored course's cost. Courses written before costs had a per-seat and a fixed part hold
 * `{ amount, currency }`, the price of a seat: read as that per seat and nothing fixed, so old items
 * (and backups of them) still read.
 */
const StoredCourseCost = z.preprocess(
  (value) =>
    value && typeof value === 'object' && 'amount' in value && !('perSeat' in value)
      ? { perSeat: value.amount, fixed: 0, currency: (value as { currency?: unknown }).currency }
      : value,
  CourseCost,
);

/** A stored item's cost as today's shape (the export reads items, not parsed courses); null when unreadable. */
export function storedCourseCost(value: unknown): CourseCost | null {
  const cost = StoredCourseCost.safeParse(value);
  return cost.success ? cost.data : null;
}

/** BCP 47, as authoring tools write it: en, en-GB, pt-BR, zh-Hant. */
export const Language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as en or en-GB');

export const CustomFields = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names start with a letter'),
    z.string().max(1000),
  )
  .refine((fields) => Object.keys(fields).length <= 50, 'at most 50 custom fields');

/** A completion certifies for `validDays`; `recertifyDaysBefore` the expiry the person is enrolled again. */
export const Certification = z
  .strictObject({
    validDays: z.number().int().min(1).max(3650),
    recertifyDaysBefore: z.number().int().min(0).max(365),
  })
  .refine((certification) => certification.recertifyDaysBefore < certification.validDays, {
    message: 'the recertification window must be shorter than the validity',
    path: ['recertifyDaysBefore'],
  })
  .meta({ id: 'Certification' });
export type Certification = z.infer<typeof Certification>;

/**
 * A course's code in other systems: Moodle's shortname, a Canvas SIS course_id, HR's course number. Unique
 * ignoring case, so imports and integrations can name the course as their system does.
 */
export const CourseCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,99}$/, 'letters, digits, spaces and . _ : / -, at most 100')
  .describe('Unique code (ignoring case): a Moodle shortname, a Canvas SIS course_id, an HR course number');

const courseFields = {
  title: text(200),
  code: CourseCode.nullable(),
  description: z.string().trim().max(10_000),
  language: Language,
  /** How long the course runs as the catalog shows it (a session's length, a video's running time). */
  durationMinutes: z.number().int().min(0).max(100_000).nullable(),
  /**
   * The learning time one completion is credited with (training hours, the ROI report); when null, the
   * report counts `durationMinutes` instead.
   */
  expectedMinutes: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .nullable()
    .describe('Learning time credited per completion, in whole minutes (training hours in reports)'),
  cost: CourseCost.nullable(),
  ownerIds: z
    .array(Id)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'each owner once'),
  categoryId: Id.nullable(),
  tags: z.array(Tag).max(30),
  prerequisiteIds: z
    .array(Id)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'each prerequisite once'),
  customFields: CustomFields,
  selfEnrollment: z.boolean(),
  /** Seats: enrollments beyond it go to the waitlist. null: unlimited. */
  capacity: z.number().int().min(1).max(100_000).nullable(),
  publishAt: IsoDateTime.nullable(),
  archiveAt: IsoDateTime.nullable(),
  reviewBy: IsoDate.nullable(),
  certification: Certification.nullable(),
};

export const CreateCourseBody = z
  .strictObject({
    title: courseFields.title,
    code: CourseCode.optional(),
    description: courseFields.description.optional(),
    language: courseFields.language.optional(),
    durationMinutes: courseFields.durationMinutes.optional(),
    expectedMinutes: courseFields.expectedMinutes.optional(),
    cost: courseFields.cost.optional(),
    ownerIds: courseFields.ownerIds.optional(),
    categoryId: courseFields.categoryId.optional(),
    tags: courseFields.tags.optional(),
    prerequisiteIds: courseFields.prerequisiteIds.optional(),
    customFields: courseFields.customFields.optional(),
    selfEnrollment: courseFields.selfEnrollment.optional(),
    capacity: courseFields.capacity.optional(),
    publishAt: courseFields.publishAt.optional(),
    archiveAt: courseFields.archiveAt.optional(),
    reviewBy: courseFields.reviewBy.optional(),
    certification: courseFields.certification.optional(),
  })
  .meta({ id: 'CreateCourse' });
export type CreateCourseInput = z.infer<typeof CreateCourseBody>;

export const UpdateCourseBody = z
  .strictObject(courseFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateCourse' });
export type UpdateCourseInput = z.infer<typeof UpdateCourseBody>;

export const AccessibilityWaiver = z.object({
  contentVersion: z.number().int().min(1),
  reason: z.string(),
  by: z.string(),
  at: IsoDateTime,
});

export const Course = z
  .object({
    id: Id,
    ...courseFields,
    code: courseFields.code.default(null),
    certification: courseFields.certification.default(null),
    // Absent from courses stored before they had one.
    expectedMinutes: courseFields.expectedMinutes.default(null),
    cost: StoredCourseCost.nullable(),
    status: CourseStatus,
    /** The content version learners starting now get; null until a package has been imported. */
    currentContentVersion: z.number().int().min(1).nullable(),
    accessibilityWaiver: AccessibilityWaiver.nullable(),
    publishedAt: IsoDateTime.nullable(),
    archivedAt: IsoDateTime.nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'Course' });
export type Course = z.infer<typeof Course>;

export const CourseIdParams = z.strictObject({ id: Id });

export const ListCoursesQuery = z.strictObject({
  limit: PageLimit,
  cursor: PageCursor.optional(),
  q: z.string().trim().min(2).max(100).optional().describe('Words in the title or description'),
  code: CourseCode.optional().describe('The course with this code (ignoring case)'),
  status: CourseStatus.optional(),
  categoryId: Id.optional().describe('This category and its sub-categories'),
  tag: Tag.optional(),
  ownerId: Id.optional(),
});
export type ListCoursesQuery = z.infer<typeof ListCoursesQuery>;

export const DueForReviewQuery = z.strictObject({
  before: IsoDate.optional().describe('Review dates up to this day (default: today)'),
  limit: PageLimit,
  cursor: PageCursor.optional(),
});

export const WaiverBody = z.strictObject({ reason: text(1000) }).meta({ id: 'AccessibilityWaiverRequest' });

/** Categories: a shallow tree that organises the catalog. */
export const Category = z
  .object({
    id: Id,
    name: z.string(),
    parentId: Id.nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'Category' });
export type Category = z.infer<typeof Category>;

export const CreateCategoryBody = z
  .strictObject({ name: text(120), parentId: Id.nullable().optional() })
  .meta({ id: 'CreateCategory' });
export const UpdateCategoryBody = z
  .strictObject({ name: text(120), parentId: Id.nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateCategory' });

/** Learning paths: an ordered sequence of courses. */
export const LearningPath = z
  .object({
    id: Id,
    title: z.string(),
    description: z.string(),
    courseIds: z.array(Id),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'LearningPath' });
export type LearningPath = z.infer<typeof LearningPath>;

const pathCourses = z
  .array(Id)
  .min(1)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each course once');
export const CreateLearningPathBody = z
  .strictObject({
    title: text(200),
    description: z.string().trim().max(10_000).optional(),
    courseIds: pathCourses,
  })
  .meta({ id: 'CreateLearningPath' });
export const UpdateLearningPathBody = z
  .strictObject({ title: text(200), description: z.string().trim().max(10_000), courseIds: pathCourses })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateLearningPath' });

/** Words a course is found by: title and description, lowercased, for a contains() filter. */
export function searchText(course: Pick<Course, 'title' | 'description' | 'tags'>): string {
  return `${course.title} ${course.description} ${course.tags.join(' ')}`.toLowerCase();
}

/** A new course in draft, as POST /courses makes it: the fields given, every other at its default. */
export function draftCourse(id: string, now: string, input: CreateCourseInput, ownerIds: string[]): Course {
  return {
    id,
    title: input.title,
    code: input.code ?? null,
    description: input.description ?? '',
    language: input.language ?? 'en',
    durationMinutes: input.durationMinutes ?? null,
    expectedMinutes: input.expectedMinutes ?? null,
    cost: input.cost ?? null,
    ownerIds,
    categoryId: input.categoryId ?? null,
    tags: [...new Set(input.tags ?? [])],
    prerequisiteIds: input.prerequisiteIds ?? [],
    customFields: input.customFields ?? {},
    selfEnrollment: input.selfEnrollment ?? false,
    capacity: input.capacity ?? null,
    publishAt: input.publishAt ?? null,
    archiveAt: input.archiveAt ?? null,
    reviewBy: input.reviewBy ?? null,
    certification: input.certification ?? null,
    status: 'draft',
    currentContentVersion: null,
    accessibilityWaiver: null,
    publishedAt: null,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

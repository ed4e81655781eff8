/**
 * Enrollments and completions as import rows say them, whatever the file's format: the planners
 * (use-cases/imports/enrollments.ts, completions.ts) work on these, and each format has an adapter from its
 * columns to them (enrollment-formats.ts).
 */
import type { RowFormat } from './rows.ts';

/** The person a row names: by email, by the HR system's external id, or both (then they must agree). */
export interface PersonRef {
  email?: string;
  externalId?: string;
}

/**
 * Whom and which course a row is about: enough for a sync to know the file lists that enrollment. The
 * course by its id, by its code (lower case), or both (then they must agree).
 */
export interface LearnerInCourse {
  person: PersonRef;
  courseId?: string;
  courseCode?: string;
}

export interface EnrollmentRow extends LearnerInCourse {
  /** `active`: enrolled (again); `withdrawn`: withdrawn. */
  status: 'active' | 'withdrawn';
  /** The instant it is due; `undefined`: not said (kept), `null`: none (a sync feed's empty cell). */
  dueAt?: string | null;
}

/** A completion recorded in another system (historical completions). */
export interface CompletionRow extends LearnerInCourse {
  completedAt: string;
  score?: number;
  /** The certificate's own expiry; without it, the course's certification validity after `completedAt`. */
  expiresAt?: string;
  sourceSystem?: string;
  originalId?: string;
}

export type EnrollmentFormat = RowFormat<EnrollmentRow, LearnerInCourse>;
export type CompletionFormat = RowFormat<CompletionRow>;

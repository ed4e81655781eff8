/**
 * Courses as import rows say them, whatever the file's format: the planner (use-cases/imports/courses.ts)
 * works on these, and each format has an adapter from its columns to them (course-formats.ts). Courses are
 * imported in upsert mode only: a field a row does not give (an empty cell) is left as it is.
 */
import type { CourseCost, CourseStatus } from '../domain/course.ts';
import type { RowFormat } from './rows.ts';

export interface CourseRow {
  /** The course's code, which finds it (ignoring case). */
  code: string;
  title?: string;
  description?: string;
  language?: string;
  durationMinutes?: number;
  expectedMinutes?: number;
  /**
   * The parts of the cost the row gives: the planner lays them over the course's cost (a new course's is
   * nothing per seat and nothing fixed) and refuses a cost that ends up without a currency.
   */
  cost?: Partial<CourseCost>;
  /**
   * The category as written (its id, its path of names from the top `Safety/Fire`, or a name only one has),
   * and the column that gave it.
   */
  category?: { named: string; column: string };
  ownerEmails?: string[];
  tags?: string[];
  capacity?: number;
  selfEnrollment?: boolean;
  reviewBy?: string;
  status?: CourseStatus;
  /** Moodle's `visible` 0: a course hidden from learners (a new one is a draft; a published one stays). */
  hidden?: boolean;
  /** Custom fields the row sets; others the course has are kept. */
  customFields?: Record<string, string>;
}

/**
 * The row's fields the planner may refuse for what it finds in the LMS, named by the format's own column
 * (owners are ours only: `owner_emails`).
 */
export type CourseColumn = 'code' | 'title' | 'status';

export type CourseFormat = RowFormat<CourseRow> & {
  /** The file's column for each field the planner names in a refusal. */
  readonly columnOf: Readonly<Record<CourseColumn, string>>;
};

/**
 * The rows of a Canvas SIS zip's terms.csv, courses.csv, sections.csv and enrollments.csv
 * (doc/api/sis_csv.md), each checked alone; what a row names in the LMS or in the zip's other files is the
 * planner's (use-cases/imports/canvas-sis.ts). accounts.csv is in canvas-accounts.ts, users.csv is a people
 * format (canvas-people.ts).
 *
 * This LMS has no terms: a course keeps its term as the custom fields `term`, `term_start` and `term_end`
 * (calendar days), as Moodle's course dates are kept as custom fields.
 */

import { text } from '../domain/common.ts';
import { CreateCourseBody } from '../domain/course.ts';
import { ExternalId } from '../domain/user.ts';
import { CustomValue, code, day } from './course-formats.ts';
import type { CourseFormat, CourseRow } from './course-rows.ts';
import { CellError, cell, checked, type RowContext, type RowFormat, reading } from './rows.ts';

const SisId = text(255);
const { title: Title } = CreateCourseBody.shape;

/** A cell as written (trimmed), or undefined when empty: Canvas's files are upserts. */
const given = (fields: ReadonlyMap<string, string>, column: string) =>
  cell(fields, column, 'upsert') ?? undefined;

function sisId(fields: ReadonlyMap<string, string>, column: string, what: string): string {
  const value = given(fields, column);
  if (!value) throw new CellError(column, `${column} is required: Canvas’s SIS id for the ${what}`);
  return checked(SisId, column, value, `an id of at most 255 characters`);
}

function statusOf<S extends string>(fields: ReadonlyMap<string, string>, statuses: readonly S[]): S {
  const value = given(fields, 'status');
  const status = value?.toLowerCase();
  if (!status) throw new CellError('status', `a status is required: ${statuses.join(', ')}`);
  if (!(statuses as readonly string[]).includes(status))
    throw new CellError('status', `"${value}" is not a status: ${statuses.join(', ')}`);
  return status as S;
}

/** How an ISO 8601 date starts; Canvas's own files write `2013-1-03 00:00:00` too, which is read, with a warning. */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}(?:$|[T ])/;

/**
 * A start and an end day, each optional, the end not before the start. A date not written as ISO 8601 is
 * read (as the import's `dateOrder` says) with a row warning saying which day it was read as.
 */
function days(
  fields: ReadonlyMap<string, string>,
  context: RowContext,
  what: string,
  warn: (warning: string) => void,
): { start?: string; end?: string } {
  const dayOf = (column: string) => {
    const value = given(fields, column);
    if (!value) return undefined;
    const read = day(column, value, context);
    if (!ISO_DAY.test(value)) warn(`${column} ${value} is not ISO 8601 (YYYY-MM-DD): read as ${read}`);
    return read;
  };
  const start = dayOf('start_date');
  const end = dayOf('end_date');
  if (start && end && end < start)
    throw new CellError('end_date', `the ${what} ends (${end}) before it starts (${start})`);
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

/** One warning naming the Canvas columns a file has that this LMS does not keep. */
function notKept(known: readonly string[], what: string) {
  return (columns: readonly string[]) => {
    const found = columns.filter((column) => known.includes(column));
    return found.length > 0
      ? [`Canvas ${what} columns with no place in this LMS, not imported: ${found.join(', ')}.`]
      : [];
  };
}

export interface TermRow {
  termId: string;
  name: string;
  status: 'active' | 'deleted';
  /** Calendar days as written (Canvas's `2013-1-03 00:00:00-06:00` is 2013-01-03). */
  start?: string;
  end?: string;
}

const TERM_NOT_KEPT = ['integration_id', 'date_override_enrollment_type'];

export const canvasTerms: RowFormat<TermRow> = {
  columns: ['term_id', 'name', 'status', 'start_date', 'end_date'],
  required: ['term_id', 'name', 'status'],
  matches: (column) => TERM_NOT_KEPT.includes(column),
  notes: notKept(TERM_NOT_KEPT, 'term'),
  row(fields, context) {
    return reading(({ warn }) => {
      const termId = sisId(fields, 'term_id', 'term');
      const name = given(fields, 'name');
      if (!name) throw new CellError('name', 'a name is required: the term’s name, which its courses keep');
      return {
        termId,
        name: checked(CustomValue, 'name', name, 'at most 1,000 characters'),
        status: statusOf(fields, ['active', 'deleted'] as const),
        ...days(fields, context, 'term', warn),
      };
    });
  },
};

/** What a course row needs of the zip's other files: its term, and whether its account is there. */
export interface CourseReferences {
  /** The term of a term_id: undefined when the zip's terms.csv has no row of it. */
  term(termId: string): TermRow | undefined;
  account(accountId: string): boolean;
}

const COURSE_NOT_KEPT = [
  'integration_id',
  'course_format',
  'blueprint_course_id',
  'grade_passback_setting',
  'homeroom_course',
  'friendly_name',
];

/**
 * Canvas's courses.csv as a course format: `course_id` is the code (it finds the course), `long_name` the
 * title, `short_name` the custom field `short_name`, `account_id` the custom field `canvas_account`, the
 * term (by `term_id`, from the zip's terms.csv) the custom fields `term`, `term_start` and `term_end`, and
 * `start_date`/`end_date` the custom fields `start_date` and `end_date`. `status`: `active` leaves the
 * status (a new course is a draft), `published` publishes, `completed` archives (Canvas concludes it), and
 * `deleted` archives too (an import deletes no course), with a row warning. An account or a term the zip
 * does not have is a row warning: the course is imported without it.
 */
export function canvasCourses(references: CourseReferences): CourseFormat {
  return {
    columns: [
      'course_id',
      'short_name',
      'long_name',
      'account_id',
      'term_id',
      'status',
      'start_date',
      'end_date',
    ],
    required: ['course_id', 'short_name', 'long_name', 'status'],
    columnOf: { code: 'course_id', title: 'long_name', status: 'status' },
    matches: (column) => COURSE_NOT_KEPT.includes(column),
    notes: notKept(COURSE_NOT_KEPT, 'course'),
    row(fields, context) {
      return reading(({ warn }) => {
        const row: CourseRow = { code: code(fields, 'course_id') };
        const title = given(fields, 'long_name');
        if (title) row.title = checked(Title, 'long_name', title, 'a title of at most 200 characters');
        const custom: Record<string, string> = {};
        const shortName = given(fields, 'short_name');
        if (shortName)
          custom.short_name = checked(CustomValue, 'short_name', shortName, 'at most 1,000 characters');
        const accountId = given(fields, 'account_id');
        if (accountId) {
          custom.canvas_account = checked(CustomValue, 'account_id', accountId, 'at most 1,000 characters');
          if (!references.account(accountId))
            warn(
              `account_id ${accountId} is in no row of the zip's accounts.csv: kept as canvas_account, unchecked`,
            );
        }
        const termId = given(fields, 'term_id');
        if (termId) {
          const term = references.term(termId);
          if (!term)
            warn(
              `term_id ${termId} is in no row of the zip's terms.csv: the course is imported without a term`,
            );
          else if (term.status === 'deleted')
            warn(`the term ${term.name} (${termId}) is deleted: the course is imported without a term`);
          else {
            custom.term = term.name;
            if (term.start) custom.term_start = term.start;
            if (term.end) custom.term_end = term.end;
          }
        }
        const { start, end } = days(fields, context, 'course', warn);
        if (start) custom.start_date = start;
        if (end) custom.end_date = end;
        if (Object.keys(custom).length > 0) row.customFields = custom;
        const status = statusOf(fields, ['active', 'published', 'completed', 'deleted'] as const);
        if (status === 'published') row.status = 'published';
        if (status === 'completed') row.status = 'archived';
        if (status === 'deleted') {
          row.status = 'archived';
          warn('status deleted: archived (an import deletes no course)');
        }
        return row;
      });
    },
  };
}

export interface SectionRow {
  sectionId: string;
  courseId: string;
  name: string;
  status: 'active' | 'deleted';
}

const SECTION_NOT_KEPT = ['integration_id', 'start_date', 'end_date'];

export const canvasSections: RowFormat<SectionRow> = {
  columns: ['section_id', 'course_id', 'name', 'status'],
  required: ['section_id', 'course_id', 'name', 'status'],
  matches: (column) => SECTION_NOT_KEPT.includes(column),
  notes: notKept(SECTION_NOT_KEPT, 'section'),
  row(fields) {
    return reading(() => {
      const sectionId = sisId(fields, 'section_id', 'section');
      const courseId = sisId(fields, 'course_id', 'course');
      const name = given(fields, 'name');
      if (!name) throw new CellError('name', 'a name is required: the section’s name');
      return { sectionId, courseId, name, status: statusOf(fields, ['active', 'deleted'] as const) };
    });
  },
};

export interface SisEnrollmentRow {
  /** The course by its course_id (our code), or, without one, the section's course. */
  courseId?: string;
  sectionId?: string;
  /** The person, by their Canvas user_id: their external id here. */
  userId: string;
  role: string;
  status: 'active' | 'deleted' | 'completed' | 'inactive';
}

const ENROLLMENT_NOT_KEPT = [
  'user_integration_id',
  'role_id',
  'root_account',
  'start_date',
  'end_date',
  'associated_user_id',
  'limit_section_privileges',
  'notify',
];

export const canvasEnrollments: RowFormat<SisEnrollmentRow> = {
  columns: ['course_id', 'section_id', 'user_id', 'role', 'status'],
  required: ['user_id', 'role', 'status'],
  oneOf: [['course_id', 'section_id']],
  matches: (column) => ENROLLMENT_NOT_KEPT.includes(column),
  notes: notKept(ENROLLMENT_NOT_KEPT, 'enrollment'),
  row(fields) {
    return reading(() => {
      const courseId = given(fields, 'course_id');
      const sectionId = given(fields, 'section_id');
      if (!courseId && !sectionId)
        throw new CellError('course_id', 'a course_id or a section_id is required: the course to enroll in');
      const userId = given(fields, 'user_id');
      if (!userId) throw new CellError('user_id', 'a user_id is required: Canvas’s SIS id for the person');
      const role = given(fields, 'role')?.toLowerCase();
      if (!role)
        throw new CellError('role', 'a role is required: student, teacher, ta, observer or designer');
      return {
        ...(courseId ? { courseId: code(fields, 'course_id') } : {}),
        ...(sectionId
          ? { sectionId: checked(SisId, 'section_id', sectionId, 'an id of at most 255 characters') }
          : {}),
        userId: checked(
          ExternalId,
          'user_id',
          userId,
          'an external id (letters, digits and . _ : @ - only, at most 128)',
        ),
        role,
        status: statusOf(fields, ['active', 'deleted', 'completed', 'inactive'] as const),
      };
    });
  },
};

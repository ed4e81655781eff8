/**
 * The enrollment and completion formats: our own (`lms`, docs/imports.md), each an adapter from the file's
 * columns to EnrollmentRow or CompletionRow. Cells are checked with the same rules as the API's, and a
 * refusal names the column. Whether the person and the course exist, and what the row changes, is the
 * planner's to say.
 */
import * as z from 'zod';
import { Id } from '../domain/common.ts';
import { CourseCode } from '../domain/course.ts';
import { Email, ExternalId, normaliseEmail } from '../domain/user.ts';
import { parseDate } from './dates.ts';
import type {
  CompletionFormat,
  CompletionRow,
  EnrollmentFormat,
  EnrollmentRow,
  LearnerInCourse,
  PersonRef,
} from './enrollment-rows.ts';
import { CellError, cell, checked, type RowContext, reading } from './rows.ts';

const Score = z.coerce.number().min(0).max(100);
const SourceSystem = z.string().trim().min(1).max(64);
const OriginalId = z.string().trim().min(1).max(128);

/**
 * Our enrollments format. Columns: `email` or `external_id` (the person; both: they must be the same
 * person's), `course_id` or `course_code` (the course; both: the same course's), `due_date`, `status`
 * (`active`, the default, or `withdrawn`).
 */
export const lmsEnrollments: EnrollmentFormat = {
  columns: ['email', 'external_id', 'course_id', 'course_code', 'due_date', 'status'],
  required: [],
  oneOf: [
    ['email', 'external_id'],
    ['course_id', 'course_code'],
  ],
  row(fields, context) {
    return reading<EnrollmentRow, LearnerInCourse>(({ about }) => {
      const subject = learnerInCourse(fields);
      about(subject);
      const row: EnrollmentRow = { ...subject, status: 'active' };
      const status = cell(fields, 'status', 'upsert');
      if (status) {
        const value = status.toLowerCase();
        if (value !== 'active' && value !== 'withdrawn')
          throw new CellError('status', `"${status}" is not a status: active or withdrawn`);
        row.status = value;
      }
      const due = cell(fields, 'due_date', context.mode);
      if (due !== undefined) row.dueAt = due === null ? null : instant(due, 'due_date', context);
      return row;
    });
  },
};

/**
 * Our historical completions format. Columns: `email` or `external_id`, `course_id` or `course_code`, `completed_at`
 * (required), `score` (0 to 100), `certificate_expires_at`, `source_system` (default: the import's
 * `sourceSystem` option), `original_id` (the completion's id in that system).
 */
export const lmsCompletions: CompletionFormat = {
  columns: [
    'email',
    'external_id',
    'course_id',
    'course_code',
    'completed_at',
    'score',
    'certificate_expires_at',
    'source_system',
    'original_id',
  ],
  required: ['completed_at'],
  oneOf: [
    ['email', 'external_id'],
    ['course_id', 'course_code'],
  ],
  row(fields, context) {
    return reading(() => {
      const completedAt = cell(fields, 'completed_at', 'upsert');
      const row: CompletionRow = {
        ...learnerInCourse(fields),
        completedAt: completedAt
          ? instant(completedAt, 'completed_at', context)
          : refuse('completed_at', 'the date of the completion is required'),
      };
      const score = cell(fields, 'score', 'upsert');
      if (score) row.score = checked(Score, 'score', score, 'a score from 0 to 100');
      const expires = cell(fields, 'certificate_expires_at', 'upsert');
      if (expires) {
        row.expiresAt = instant(expires, 'certificate_expires_at', context);
        if (row.expiresAt <= row.completedAt)
          throw new CellError('certificate_expires_at', 'the certificate expires before it was earned');
      }
      const system = cell(fields, 'source_system', 'upsert') ?? context.options.sourceSystem;
      if (system) row.sourceSystem = checked(SourceSystem, 'source_system', system, 'at most 64 characters');
      const original = cell(fields, 'original_id', 'upsert');
      if (original) row.originalId = checked(OriginalId, 'original_id', original, 'at most 128 characters');
      return row;
    });
  },
};

/** The person (by email, external id or both) and the course, read first: a sync needs them even from a bad row. */
function learnerInCourse(fields: ReadonlyMap<string, string>): LearnerInCourse {
  const person: PersonRef = {};
  const email = cell(fields, 'email', 'upsert');
  if (email) person.email = normaliseEmail(checked(Email, 'email', email, 'an email address'));
  const externalId = cell(fields, 'external_id', 'upsert');
  if (externalId) person.externalId = checked(ExternalId, 'external_id', externalId, 'an external id');
  if (!person.email && !person.externalId)
    throw new CellError(
      fields.has('email') ? 'email' : 'external_id',
      "the person's email or external id is required",
    );
  const subject: LearnerInCourse = { person };
  const id = cell(fields, 'course_id', 'upsert');
  if (id) subject.courseId = checked(Id, 'course_id', id, 'a course id').toLowerCase();
  const code = cell(fields, 'course_code', 'upsert');
  if (code)
    subject.courseCode = checked(
      CourseCode,
      'course_code',
      code,
      "a course's code (letters, digits, spaces and . _ : / -, at most 100)",
    ).toLowerCase();
  if (!subject.courseId && !subject.courseCode)
    throw new CellError(
      fields.has('course_id') ? 'course_id' : 'course_code',
      "the course's id or code is required",
    );
  return subject;
}

/** A date or date-time cell as the instant it stands for (a date: its midnight at the import's offset). */
function instant(value: string, column: string, context: RowContext): string {
  const date = parseDate(value, { dateOrder: context.options.dateOrder, timezone: context.options.timezone });
  if (!date.ok) throw new CellError(column, date.reason);
  return date.iso;
}

function refuse(column: string, reason: string): never {
  throw new CellError(column, reason);
}

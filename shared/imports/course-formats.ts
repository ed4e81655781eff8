/**
 * The course formats: our own (`lms`) and Moodle's course upload (`moodle`, admin/tool/uploadcourse), each an
 * adapter from the file's columns to a CourseRow (docs/imports.md). Cells are checked with the API's own
 * schemas, and a refusal names the column. Whether the category and owners exist, and what the row changes,
 * is the planner's to say.
 */
import * as z from 'zod';
import {
  Amount,
  COURSE_STATUSES,
  CourseCode,
  CreateCourseBody,
  Currency,
  Language,
  Tag,
} from '../domain/course.ts';
import type { ImportFormat } from '../domain/import.ts';
import { Email, normaliseEmail } from '../domain/user.ts';
import type { CourseFormat, CourseRow } from './course-rows.ts';
import { parseDate } from './dates.ts';
import { ImportFileError } from './errors.ts';
import { AttributeName } from './people-formats.ts';
import { CellError, cell, checked, type RowContext, reading } from './rows.ts';

const { title: Title, description: Description } = CreateCourseBody.shape;
const Duration = z.coerce.number().int().min(0).max(100_000);
const Capacity = z.coerce.number().int().min(1).max(100_000);
const Money = z.coerce.number().pipe(Amount);
export const CustomValue = z.string().max(1000);
const MAX_OWNERS = 20;
const MAX_TAGS = 30;

/**
 * Our courses format. Columns: `code` (required: it finds the course), `title` (required for a new course),
 * `description`, `language`, `duration_minutes`, `expected_minutes`, `cost_per_seat`, `cost_fixed` and
 * `cost_currency` (the course's cost: amounts to the cent, an ISO 4217 code), `category`, `owner_emails` and
 * `tags` (each `;`-separated), `capacity`, `self_enrollment` (`true`/`false`), `review_by`, `status`
 * (`draft`, `published`, `archived`), and `custom.<name>` for custom fields.
 */
export const lmsCourses: CourseFormat = {
  columns: [
    'code',
    'title',
    'description',
    'language',
    'duration_minutes',
    'expected_minutes',
    'cost_per_seat',
    'cost_fixed',
    'cost_currency',
    'category',
    'owner_emails',
    'tags',
    'capacity',
    'self_enrollment',
    'review_by',
    'status',
  ],
  required: ['code'],
  columnOf: { code: 'code', title: 'title', status: 'status' },
  matches: (column) => column.startsWith('custom.'),
  row(fields, context) {
    return reading(() => {
      const row: CourseRow = { code: code(fields, 'code') };
      const value = (column: string) => cell(fields, column, 'upsert') ?? undefined;
      const title = value('title');
      if (title) row.title = checked(Title, 'title', title, 'a title of at most 200 characters');
      const description = value('description');
      if (description)
        row.description = checked(Description, 'description', description, 'at most 10,000 characters');
      const language = value('language');
      if (language)
        row.language = checked(Language, 'language', language, 'a language tag such as en or en-GB');
      const duration = value('duration_minutes');
      if (duration)
        row.durationMinutes = checked(Duration, 'duration_minutes', duration, 'a whole number of minutes');
      const expected = value('expected_minutes');
      if (expected)
        row.expectedMinutes = checked(Duration, 'expected_minutes', expected, 'a whole number of minutes');
      const cost = courseCost(value);
      if (cost) row.cost = cost;
      const category = value('category');
      if (category) row.category = { named: category, column: 'category' };
      const owners = value('owner_emails');
      if (owners) row.ownerEmails = ownerEmails(owners);
      const tags = value('tags');
      if (tags) row.tags = tagList('tags', tags, ';');
      const capacity = value('capacity');
      if (capacity) row.capacity = checked(Capacity, 'capacity', capacity, 'a number of seats from 1');
      const self = value('self_enrollment');
      if (self) {
        const answer = self.toLowerCase();
        if (answer !== 'true' && answer !== 'false')
          throw new CellError('self_enrollment', `"${self}" is not true or false`);
        row.selfEnrollment = answer === 'true';
      }
      const review = value('review_by');
      if (review) row.reviewBy = day('review_by', review, context);
      const status = value('status');
      if (status) {
        const named = COURSE_STATUSES.find((known) => known === status.toLowerCase());
        if (!named)
          throw new CellError('status', `"${status}" is not a status: ${COURSE_STATUSES.join(', ')}`);
        row.status = named;
      }
      const custom: Record<string, string> = {};
      for (const [column, text] of fields) {
        if (!column.startsWith('custom.') || text.trim() === '') continue;
        const name = column.slice('custom.'.length);
        if (!AttributeName.safeParse(name).success)
          throw new CellError(column, `"${name}" is not a field name: a letter, then letters, digits or _`);
        custom[name] = checked(CustomValue, column, text.trim(), 'at most 1,000 characters');
      }
      if (Object.keys(custom).length > 0) row.customFields = custom;
      return row;
    });
  },
};

/** Moodle's course settings this LMS has no notion of: read and not imported, said once. */
const MOODLE_SETTINGS = [
  'format',
  'showgrades',
  'showreports',
  'showactivitydates',
  'showcompletionconditions',
  'newsitems',
  'maxbytes',
  'groupmode',
  'groupmodeforce',
  'enablecompletion',
  'theme',
  'numsections',
  'coursedisplay',
  'hiddensections',
  'legacyfiles',
  'downloadcontent',
  'cacherev',
];

/**
 * Moodle's course upload. `shortname` (required) is the code; `fullname` the title; `summary` the
 * description; `category_path` (`Safety / Fire`) or `category` (a name, a path, or our category's id: Moodle's
 * numeric category ids mean nothing here) the category; `idnumber` the custom field `moodle_idnumber`;
 * `startdate` and `enddate` the custom fields `start_date` and `end_date` (this LMS's courses have no dates
 * of their own); `visible` 1 publishes; `lang` the language; `tags` (comma-separated) the tags.
 */
export const moodleCourses: CourseFormat = {
  columns: [
    'shortname',
    'fullname',
    'summary',
    'category',
    'category_path',
    'idnumber',
    'startdate',
    'enddate',
    'visible',
    'lang',
    'tags',
  ],
  required: ['shortname'],
  columnOf: { code: 'shortname', title: 'fullname', status: 'visible' },
  ignored: {
    ...Object.fromEntries(
      MOODLE_SETTINGS.map((column) => [
        column,
        `Moodle's course settings (${MOODLE_SETTINGS.join(', ')}) have no equivalent here: not imported.`,
      ]),
    ),
    category_idnumber:
      "category_idnumber is not imported: this LMS's categories have no idnumber; name the category by category_path.",
    summaryformat: 'summaryformat is not imported: the summary is kept as written.',
  },
  matches: (column) => /^(enrolment|role)_/.test(column),
  notes: (columns) =>
    columns.some((column) => /^(enrolment|role)_/.test(column))
      ? [
          "Moodle's enrolment methods and role names (enrolment_*, role_*) are not imported: import enrollments as such.",
        ]
      : [],
  row(fields, context) {
    return reading(({ warn }) => {
      const row: CourseRow = { code: code(fields, 'shortname') };
      const value = (column: string) => cell(fields, column, 'upsert') ?? undefined;
      const title = value('fullname');
      if (title) row.title = checked(Title, 'fullname', title, 'a title of at most 200 characters');
      const summary = value('summary');
      if (summary) row.description = checked(Description, 'summary', summary, 'at most 10,000 characters');
      const path = value('category_path');
      const category = value('category');
      if (path) row.category = { named: path, column: 'category_path' };
      else if (category) {
        if (/^\d+$/.test(category)) warn(categoryIdWarning(category));
        else row.category = { named: category, column: 'category' };
      }
      const idnumber = value('idnumber');
      const custom: Record<string, string> = {};
      if (idnumber)
        custom.moodle_idnumber = checked(CustomValue, 'idnumber', idnumber, 'at most 1,000 characters');
      const start = value('startdate');
      if (start) custom.start_date = day('startdate', start, context, true);
      const end = value('enddate');
      if (end) {
        custom.end_date = day('enddate', end, context, true);
        if (custom.start_date && custom.end_date < custom.start_date)
          throw new CellError(
            'enddate',
            `the course ends (${custom.end_date}) before it starts (${custom.start_date})`,
          );
      }
      if (Object.keys(custom).length > 0) row.customFields = custom;
      const visible = value('visible');
      if (visible === '1') row.status = 'published';
      else if (visible === '0') row.hidden = true;
      else if (visible !== undefined) throw new CellError('visible', `"${visible}" is not 1 or 0`);
      const lang = value('lang');
      // Moodle writes language packs with an underscore (pt_br); BCP 47 has a hyphen.
      if (lang)
        row.language = checked(Language, 'lang', lang.replace('_', '-'), 'a language such as en or pt_br');
      const tags = value('tags');
      if (tags) row.tags = tagList('tags', tags, ',');
      return row;
    });
  },
};

/** The adapter of a courses file's format. */
export function courseFormatOf(format: ImportFormat): CourseFormat {
  if (format === 'lms') return lmsCourses;
  if (format === 'moodle') return moodleCourses;
  throw new ImportFileError('unsupported', `Course files in the ${format} format are not supported yet.`);
}

function categoryIdWarning(id: string): string {
  return `category ${id} is a Moodle category id, which names nothing here: the category is left as it is (give category_path)`;
}

/** The course's code from `column`, required and checked as the API checks it. */
export function code(fields: ReadonlyMap<string, string>, column: string): string {
  const value = cell(fields, column, 'upsert');
  if (!value) throw new CellError(column, 'the course code is required');
  return checked(
    CourseCode,
    column,
    value,
    'a course code (letters, digits, spaces and . _ : / -, at most 100)',
  );
}

/** The parts of a course's cost a row gives, each checked alone; undefined when it gives none. */
function courseCost(value: (column: string) => string | undefined): CourseRow['cost'] {
  const cost: NonNullable<CourseRow['cost']> = {};
  const perSeat = value('cost_per_seat');
  if (perSeat) cost.perSeat = checked(Money, 'cost_per_seat', perSeat, 'an amount from 0, to the cent');
  const fixed = value('cost_fixed');
  if (fixed) cost.fixed = checked(Money, 'cost_fixed', fixed, 'an amount from 0, to the cent');
  const currency = value('cost_currency');
  if (currency)
    cost.currency = checked(
      Currency,
      'cost_currency',
      currency.toUpperCase(),
      'an ISO 4217 code such as EUR',
    );
  return Object.keys(cost).length > 0 ? cost : undefined;
}

function ownerEmails(value: string): string[] {
  const emails = value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((email) => normaliseEmail(checked(Email, 'owner_emails', email, 'an email address')));
  if (emails.length > MAX_OWNERS) throw new CellError('owner_emails', `at most ${MAX_OWNERS} owners`);
  return [...new Set(emails)];
}

function tagList(column: string, value: string, separator: string): string[] {
  const tags = value
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((tag) => checked(Tag, column, tag, 'a tag (letters, digits, space, _ and -, at most 40)'));
  const unique = [...new Set(tags)];
  if (unique.length > MAX_TAGS) throw new CellError(column, `at most ${MAX_TAGS} tags`);
  return unique;
}

/** A date cell as its calendar day (`2026-03-31`); Moodle's may also be Unix times. */
export function day(column: string, value: string, context: RowContext, unix = false): string {
  const date = parseDate(value, {
    dateOrder: context.options.dateOrder,
    timezone: context.options.timezone,
    unix,
  });
  if (!date.ok) throw new CellError(column, date.reason);
  return date.date;
}

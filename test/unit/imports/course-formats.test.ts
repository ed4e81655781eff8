/**
 * The course formats, ours and Moodle's course upload: the samples docs/imports.md points to read as the
 * courses they describe, and each cell the formats refuse is named by its column, with a reason.
 */
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImportOptions } from '../../../shared/domain/import.ts';
import { courseFormatOf, lmsCourses, moodleCourses } from '../../../shared/imports/course-formats.ts';
import type { CourseFormat } from '../../../shared/imports/course-rows.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { headerWarnings } from '../../../shared/use-cases/imports/planning.ts';

const context = { mode: 'upsert' as const, options: ImportOptions.parse({}) };

/** The sample's header warnings and rows, as the format reads them. */
async function readSample(format: CourseFormat, path: string) {
  const rows = [];
  let warnings: string[] = [];
  let columns: string[] = [];
  for await (const event of readCsv(createReadStream(path))) {
    if (event.kind === 'header') {
      columns = event.columns.map((column) => column.toLowerCase());
      warnings = headerWarnings(format, columns);
    }
    if (event.kind !== 'row') continue;
    rows.push(format.row(new Map(columns.map((column, i) => [column, event.values[i] ?? ''])), context));
  }
  return { warnings, rows };
}

/** One row of `format` with these cells. */
function row(format: CourseFormat, cells: Record<string, string>) {
  return format.row(new Map(Object.entries(cells)), context);
}

describe('docs/samples/courses.csv (ours)', () => {
  it('reads as three courses, every column known', async () => {
    const { warnings, rows } = await readSample(lmsCourses, 'docs/samples/courses.csv');
    expect(warnings).toEqual([]);
    expect(rows).toEqual([
      {
        ok: true,
        value: {
          code: 'SAFE-101',
          title: 'Site safety induction',
          description: 'Hazards, exits and first aid: everyone on site, on their first day.',
          language: 'en',
          durationMinutes: 45,
          expectedMinutes: 60,
          cost: { perSeat: 25, fixed: 1500, currency: 'EUR' },
          category: { named: 'Safety', column: 'category' },
          ownerEmails: ['ada.lovelace@example.com'],
          tags: ['safety', 'induction'],
          selfEnrollment: true,
          reviewBy: '2027-01-31',
          status: 'published',
          customFields: { provider: 'In house' },
        },
      },
      {
        ok: true,
        value: {
          code: 'SAFE-201',
          title: 'Working at height',
          description: 'Ladders, scaffolds and harnesses. Bring your own "fall arrest" kit.',
          language: 'en-GB',
          durationMinutes: 120,
          cost: { perSeat: 180.5, currency: 'GBP' },
          category: { named: 'Safety/Heights', column: 'category' },
          ownerEmails: ['ada.lovelace@example.com', 'grace.hopper@example.com'],
          tags: ['safety', 'height'],
          capacity: 12,
          selfEnrollment: false,
          reviewBy: '2026-09-30',
          status: 'draft',
          customFields: { provider: 'Acme Training' },
        },
      },
      {
        ok: true,
        value: {
          code: 'SALES-110',
          title: 'Negotiation basics',
          language: 'en',
          durationMinutes: 90,
          category: { named: 'Sales', column: 'category' },
          tags: ['sales'],
        },
      },
    ]);
  });
});

describe('docs/samples/courses-moodle.csv (Moodle course upload)', () => {
  it('reads as two courses; Moodle settings are reported once, not imported', async () => {
    const { warnings, rows } = await readSample(moodleCourses, 'docs/samples/courses-moodle.csv');
    expect(warnings).toEqual([
      "Moodle's course settings (format, showgrades, showreports, showactivitydates, showcompletionconditions, newsitems, maxbytes, groupmode, groupmodeforce, enablecompletion, theme, numsections, coursedisplay, hiddensections, legacyfiles, downloadcontent, cacherev) have no equivalent here: not imported.",
    ]);
    expect(rows).toEqual([
      {
        ok: true,
        value: {
          code: 'GDPR-1',
          title: 'GDPR for everyone',
          description: 'Personal data, consent and breaches.',
          category: { named: 'Compliance / Data protection', column: 'category_path' },
          customFields: { moodle_idnumber: 'CRS-0042', start_date: '2026-09-01', end_date: '2026-12-18' },
          status: 'published',
          language: 'en',
          tags: ['gdpr', 'privacy'],
        },
      },
      {
        ok: true,
        value: {
          code: 'FIRE-2',
          title: 'Fire marshal training',
          description: 'For the marshals of each floor.',
          category: { named: 'Safety', column: 'category_path' },
          customFields: { moodle_idnumber: 'CRS-0043', start_date: '2026-10-05' },
          hidden: true,
          language: 'pt-br',
          tags: ['safety'],
        },
      },
    ]);
  });

  it('reads a Unix time as Moodle writes dates in its database exports', () => {
    expect(row(moodleCourses, { shortname: 'X', startdate: '1788220800' })).toEqual({
      ok: true,
      value: { code: 'X', customFields: { start_date: '2026-09-01' } },
    });
  });
});

describe('cells the course formats refuse', () => {
  it.each([
    ['lms' as const, { code: '' }, 'code', 'the course code is required'],
    [
      'lms' as const,
      { code: 'bad*code' },
      'code',
      '"bad*code" is not a course code (letters, digits, spaces and . _ : / -, at most 100)',
    ],
    [
      'lms' as const,
      { code: 'A', duration_minutes: '1.5' },
      'duration_minutes',
      '"1.5" is not a whole number of minutes',
    ],
    ['lms' as const, { code: 'A', capacity: '0' }, 'capacity', '"0" is not a number of seats from 1'],
    [
      'lms' as const,
      { code: 'A', expected_minutes: '-5' },
      'expected_minutes',
      '"-5" is not a whole number of minutes',
    ],
    [
      'lms' as const,
      { code: 'A', cost_per_seat: '12.345' },
      'cost_per_seat',
      '"12.345" is not an amount from 0, to the cent',
    ],
    [
      'lms' as const,
      { code: 'A', cost_fixed: 'free' },
      'cost_fixed',
      '"free" is not an amount from 0, to the cent',
    ],
    [
      'lms' as const,
      { code: 'A', cost_currency: 'euro' },
      'cost_currency',
      '"EURO" is not an ISO 4217 code such as EUR',
    ],
    ['lms' as const, { code: 'A', self_enrollment: 'yes' }, 'self_enrollment', '"yes" is not true or false'],
    [
      'lms' as const,
      { code: 'A', status: 'live' },
      'status',
      '"live" is not a status: draft, published, archived',
    ],
    [
      'lms' as const,
      { code: 'A', owner_emails: 'ada;not-an-email' },
      'owner_emails',
      '"ada" is not an email address',
    ],
    [
      'lms' as const,
      { code: 'A', tags: 'ok;no!' },
      'tags',
      '"no!" is not a tag (letters, digits, space, _ and -, at most 40)',
    ],
    [
      'lms' as const,
      { code: 'A', language: 'English' },
      'language',
      '"English" is not a language tag such as en or en-GB',
    ],
    [
      'lms' as const,
      { code: 'A', review_by: '31/12/2026' },
      'review_by',
      '31/12/2026 is not a date: expected year/month/day like 2025/12/31.',
    ],
    [
      'lms' as const,
      { code: 'A', 'custom.9lives': 'x' },
      'custom.9lives',
      '"9lives" is not a field name: a letter, then letters, digits or _',
    ],
    ['moodle' as const, { fullname: 'No shortname' }, 'shortname', 'the course code is required'],
    ['moodle' as const, { shortname: 'A', visible: '2' }, 'visible', '"2" is not 1 or 0'],
    [
      'moodle' as const,
      { shortname: 'A', startdate: '2026-09-01', enddate: '2026-08-01' },
      'enddate',
      'the course ends (2026-08-01) before it starts (2026-09-01)',
    ],
  ])('%s: refuses %j in %s', (format, cells, column, reason) => {
    expect(row(courseFormatOf(format), cells)).toEqual({ ok: false, column, reason });
  });

  it('keeps a Moodle category id out, with a warning: it names nothing here', () => {
    expect(row(moodleCourses, { shortname: 'A', category: '3' })).toEqual({
      ok: true,
      value: { code: 'A' },
      warnings: [
        'category 3 is a Moodle category id, which names nothing here: the category is left as it is (give category_path)',
      ],
    });
  });

  it('has no Canvas courses format of its own: a Canvas course comes in a SIS zip', () => {
    expect(() => courseFormatOf('canvas')).toThrow(
      'Course files in the canvas format are not supported yet.',
    );
  });
});

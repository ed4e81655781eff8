/**
 * Our enrollments and completions formats: what each row reads as, what each refuses (with the column and
 * why), and the sample files docs/imports.md points to, which must stay valid.
 */
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ImportMode, ImportOptions } from '../../../shared/domain/import.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { lmsCompletions, lmsEnrollments } from '../../../shared/imports/enrollment-formats.ts';
import type { RowFormat } from '../../../shared/imports/rows.ts';

const COURSE = '3f2a6c1e-8b4d-4c7e-9a15-2d6f0b9e7c41';

function context(mode: ImportMode = 'upsert', options: Record<string, unknown> = {}) {
  return { mode, options: ImportOptions.parse(options) };
}

function row(cells: Record<string, string>) {
  return new Map(Object.entries(cells));
}

/** Every row of a file as the format reads it, and the file's columns. */
async function readFile<T, S>(path: string, format: RowFormat<T, S>) {
  const rows = [];
  let columns: string[] = [];
  for await (const event of readCsv(createReadStream(path))) {
    if (event.kind === 'header') columns = event.columns.map((column) => column.toLowerCase());
    if (event.kind !== 'row') continue;
    rows.push(format.row(new Map(columns.map((c, i) => [c, event.values[i] ?? ''])), context()));
  }
  return { columns, rows };
}

describe('our enrollments format', () => {
  it('reads the person by email, external id or both, the course, the due date and the status', () => {
    // Act
    const byEmail = lmsEnrollments.row(
      row({
        email: ' Ada@Example.com ',
        course_id: COURSE.toUpperCase(),
        due_date: '2027-03-31',
        status: '',
      }),
      context(),
    );
    const byExternalId = lmsEnrollments.row(
      row({
        email: '',
        external_id: 'E1003',
        course_id: COURSE,
        due_date: '31/12/2027',
        status: 'Withdrawn',
      }),
      context('upsert', { dateOrder: 'dmy', timezone: '+01:00' }),
    );
    const syncWithoutDue = lmsEnrollments.row(
      row({ email: 'bo@example.com', external_id: 'E2', course_id: COURSE, due_date: '' }),
      context('sync'),
    );

    // Assess
    expect(byEmail).toEqual({
      ok: true,
      value: {
        person: { email: 'ada@example.com' },
        courseId: COURSE,
        status: 'active',
        dueAt: '2027-03-31T00:00:00.000Z',
      },
    });
    expect(byExternalId).toEqual({
      ok: true,
      value: {
        person: { externalId: 'E1003' },
        courseId: COURSE,
        status: 'withdrawn',
        dueAt: '2027-12-30T23:00:00.000Z',
      },
    });
    expect(syncWithoutDue).toEqual({
      ok: true,
      value: {
        person: { email: 'bo@example.com', externalId: 'E2' },
        courseId: COURSE,
        status: 'active',
        dueAt: null,
      },
    });
  });

  it('refuses a row naming its column and why, and says whom a row is about when that much is readable', () => {
    // Act
    const refusals = [
      row({ email: '', external_id: '', course_id: COURSE }),
      row({ email: 'not an email', course_id: COURSE }),
      row({ email: 'ada@example.com', course_id: 'FIRE-101' }),
      row({ email: 'ada@example.com', course_id: '' }),
      row({ email: 'ada@example.com', course_code: 'FIRE 101!' }),
      row({ email: 'ada@example.com', course_id: COURSE, status: 'deleted' }),
      row({ email: 'ada@example.com', course_id: COURSE, due_date: '31/12/2027' }),
      row({ email: 'ada@example.com', course_id: COURSE, due_date: '2027-02-30' }),
    ].map((cells) => lmsEnrollments.row(cells, context()));

    // Assess
    expect(refusals).toEqual([
      { ok: false, column: 'email', reason: "the person's email or external id is required" },
      { ok: false, column: 'email', reason: '"not an email" is not an email address' },
      { ok: false, column: 'course_id', reason: '"FIRE-101" is not a course id' },
      { ok: false, column: 'course_id', reason: "the course's id or code is required" },
      {
        ok: false,
        column: 'course_code',
        reason: '"FIRE 101!" is not a course\'s code (letters, digits, spaces and . _ : / -, at most 100)',
      },
      {
        ok: false,
        column: 'status',
        reason: '"deleted" is not a status: active or withdrawn',
        subject: { person: { email: 'ada@example.com' }, courseId: COURSE },
      },
      {
        ok: false,
        column: 'due_date',
        reason: '31/12/2027 is not a date: expected year/month/day like 2025/12/31.',
        subject: { person: { email: 'ada@example.com' }, courseId: COURSE },
      },
      {
        ok: false,
        column: 'due_date',
        reason: '2027-02-30 is not a date: February 2027 has 28 days.',
        subject: { person: { email: 'ada@example.com' }, courseId: COURSE },
      },
    ]);
  });

  it('needs course_id or course_code, and email or external_id, in the header', () => {
    expect(lmsEnrollments.required).toEqual([]);
    expect(lmsEnrollments.oneOf).toEqual([
      ['email', 'external_id'],
      ['course_id', 'course_code'],
    ]);
  });

  it('names the course by its code (kept in lower case), or by id and code together', () => {
    expect(lmsEnrollments.row(row({ email: 'ada@example.com', course_code: 'Fire-101' }), context())).toEqual(
      {
        ok: true,
        value: { person: { email: 'ada@example.com' }, courseCode: 'fire-101', status: 'active' },
      },
    );
    expect(
      lmsEnrollments.row(row({ external_id: 'E1', course_id: COURSE, course_code: 'FIRE-101' }), context()),
    ).toEqual({
      ok: true,
      value: { person: { externalId: 'E1' }, courseId: COURSE, courseCode: 'fire-101', status: 'active' },
    });
  });
});

describe('our completions format', () => {
  it('reads the completion, its score, its certificate’s expiry and where it comes from', () => {
    // Act
    const full = lmsCompletions.row(
      row({
        email: 'ada@example.com',
        course_id: COURSE,
        completed_at: '2025-03-14T09:30:00',
        score: '95.5',
        certificate_expires_at: '2026-03-14',
        source_system: 'Moodle 3.9',
        original_id: 'mdl-90412',
      }),
      context('upsert', { timezone: '+02:00' }),
    );
    const bare = lmsCompletions.row(
      row({ external_id: 'E1003', course_id: COURSE, completed_at: '11/02/2023', score: '' }),
      context('upsert', { dateOrder: 'mdy', sourceSystem: 'Cornerstone' }),
    );

    // Assess
    expect(full).toEqual({
      ok: true,
      value: {
        person: { email: 'ada@example.com' },
        courseId: COURSE,
        completedAt: '2025-03-14T07:30:00.000Z',
        score: 95.5,
        expiresAt: '2026-03-13T22:00:00.000Z',
        sourceSystem: 'Moodle 3.9',
        originalId: 'mdl-90412',
      },
    });
    expect(bare).toEqual({
      ok: true,
      value: {
        person: { externalId: 'E1003' },
        courseId: COURSE,
        completedAt: '2023-11-02T00:00:00.000Z',
        sourceSystem: 'Cornerstone',
      },
    });
  });

  it('refuses a missing or bad date, a score out of range and a certificate that expires before it was earned', () => {
    // Act
    const refusals = [
      row({ email: 'ada@example.com', course_id: COURSE, completed_at: '' }),
      row({ email: 'ada@example.com', course_id: COURSE, completed_at: 'last spring' }),
      row({ email: 'ada@example.com', course_id: COURSE, completed_at: '2025-03-14', score: '120' }),
      row({ email: 'ada@example.com', course_id: COURSE, completed_at: '2025-03-14', score: '88%' }),
      row({
        email: 'ada@example.com',
        course_id: COURSE,
        completed_at: '2025-03-14',
        certificate_expires_at: '2025-03-01',
      }),
    ].map((cells) => lmsCompletions.row(cells, context()));

    // Assess
    expect(refusals).toEqual([
      { ok: false, column: 'completed_at', reason: 'the date of the completion is required' },
      {
        ok: false,
        column: 'completed_at',
        reason: 'last spring is not a date: expected a date like 2025-12-31 or 2025-12-31T14:30:00+02:00.',
      },
      { ok: false, column: 'score', reason: '"120" is not a score from 0 to 100' },
      { ok: false, column: 'score', reason: '"88%" is not a score from 0 to 100' },
      {
        ok: false,
        column: 'certificate_expires_at',
        reason: 'the certificate expires before it was earned',
      },
    ]);
  });
});

describe('the sample files docs/imports.md points to', () => {
  it('docs/samples/enrollments.csv reads as four enrollments, every column known', async () => {
    // Act
    const { columns, rows } = await readFile('docs/samples/enrollments.csv', lmsEnrollments);

    // Assess
    expect(columns.filter((column) => !lmsEnrollments.columns.includes(column))).toEqual([]);
    expect(rows).toEqual([
      {
        ok: true,
        value: {
          person: { email: 'ada.lovelace@example.com', externalId: 'E1001' },
          courseId: COURSE,
          status: 'active',
          dueAt: '2027-03-31T00:00:00.000Z',
        },
      },
      {
        ok: true,
        value: { person: { email: 'charles.babbage@example.com' }, courseId: COURSE, status: 'active' },
      },
      {
        ok: true,
        value: {
          person: { externalId: 'E1003' },
          courseId: COURSE,
          status: 'active',
          dueAt: '2027-06-30T16:00:00.000Z',
        },
      },
      {
        ok: true,
        value: {
          person: { email: 'grace.hopper@example.com' },
          courseId: '7b9d2e40-1c3a-4f6b-8e52-9a0c4d7f1b23',
          status: 'withdrawn',
        },
      },
    ]);
  });

  it('docs/samples/completions.csv reads as four completions, every column known', async () => {
    // Act
    const { columns, rows } = await readFile('docs/samples/completions.csv', lmsCompletions);

    // Assess
    expect(columns.filter((column) => !lmsCompletions.columns.includes(column))).toEqual([]);
    expect(rows).toEqual([
      {
        ok: true,
        value: {
          person: { email: 'ada.lovelace@example.com', externalId: 'E1001' },
          courseId: COURSE,
          completedAt: '2024-03-15T00:00:00.000Z',
          score: 92,
          sourceSystem: 'Moodle 3.9',
          originalId: 'mdl-88121',
        },
      },
      {
        ok: true,
        value: {
          person: { email: 'ada.lovelace@example.com', externalId: 'E1001' },
          courseId: COURSE,
          completedAt: '2025-03-14T00:00:00.000Z',
          score: 95,
          sourceSystem: 'Moodle 3.9',
          originalId: 'mdl-90412',
        },
      },
      {
        ok: true,
        value: {
          person: { email: 'charles.babbage@example.com' },
          courseId: COURSE,
          completedAt: '2025-01-20T14:30:00.000Z',
          score: 81,
          expiresAt: '2026-01-20T00:00:00.000Z',
          sourceSystem: 'Moodle 3.9',
          originalId: 'mdl-89004',
        },
      },
      {
        ok: true,
        value: {
          person: { externalId: 'E1003' },
          courseId: '7b9d2e40-1c3a-4f6b-8e52-9a0c4d7f1b23',
          completedAt: '2023-11-02T00:00:00.000Z',
          originalId: 'legacy-77',
        },
      },
    ]);
  });
});

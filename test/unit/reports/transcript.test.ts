/** The transcript report on fixture data with known answers: one person's enrollments, nobody else's. */
import { describe, expect, it } from 'vitest';
import { transcriptReport } from '../../../shared/reports/catalog/transcript.ts';
import { reportFixture } from '../../support/reports.ts';

const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';
const C_EXCEL = '00000000-0000-4000-8000-00000000c003';
const ADA = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b2';

// Judged at the export's time, 2026-06-30T12:00:00Z (the fixture's default).
const tables = {
  departments: [
    { department_id: D_SALES, name: 'Sales', ancestor_ids: [] },
    { department_id: D_OPS, name: 'Operations', ancestor_ids: [] },
  ],
  courses: [
    { course_id: C_SAFETY, code: 'HS-101', title: 'Fire safety', certification_valid_days: 365 },
    { course_id: C_PRIVACY, code: 'GDPR-1', title: 'Privacy' },
    { course_id: C_EXCEL, code: null, title: 'Spreadsheets' },
  ],
  people: [
    { user_id: ADA, department_id: D_SALES },
    { user_id: BOB, department_id: D_OPS },
  ],
  enrollments: [
    {
      course_id: C_SAFETY,
      user_id: ADA,
      status: 'completed',
      enrolled_at: '2026-01-05T08:00:00Z',
      due_at: '2026-02-01T00:00:00Z',
      completed_at: '2026-01-20T10:30:00Z',
      expires_at: '2027-01-20T10:30:00Z',
      score: 92.5,
      time_spent_seconds: 2730,
    },
    {
      course_id: C_PRIVACY,
      user_id: ADA,
      status: 'in_progress',
      enrolled_at: '2026-03-01T08:00:00Z',
      due_at: '2026-06-01T00:00:00Z',
      time_spent_seconds: 600,
    },
    // Imported from the previous LMS: completed before it was enrolled here.
    {
      course_id: C_EXCEL,
      user_id: ADA,
      status: 'completed',
      enrolled_at: '2025-11-01T00:00:00Z',
      completed_at: '2024-05-01T00:00:00Z',
      score: null,
      time_spent_seconds: 0,
    },
    {
      course_id: C_SAFETY,
      user_id: BOB,
      status: 'enrolled',
      enrolled_at: '2026-01-05T08:00:00Z',
      due_at: '2026-02-01T00:00:00Z',
    },
  ],
  completions: [
    {
      course_id: C_SAFETY,
      user_id: ADA,
      department_id: D_SALES,
      completed_at: '2026-01-20T10:30:00Z',
      imported: false,
    },
    {
      course_id: C_EXCEL,
      user_id: ADA,
      department_id: D_SALES,
      completed_at: '2024-05-01T00:00:00Z',
      imported: true,
      source_system: 'Moodle',
    },
  ],
};

describe('transcript report', () => {
  it('lists every enrollment of the person, oldest first, with dates, score, time spent and expiry', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(transcriptReport, { person: ADA });

    // Assess
    expect(rows).toEqual([
      {
        course_id: C_EXCEL,
        course_code: null,
        course_title: 'Spreadsheets',
        status: 'completed',
        enrolled_at: '2025-11-01T00:00:00.000Z',
        due_at: null,
        completed_at: '2024-05-01T00:00:00.000Z',
        score: null,
        time_spent_minutes: 0,
        expires_at: null,
        compliance: null,
        imported: true,
        source_system: 'Moodle',
      },
      {
        course_id: C_SAFETY,
        course_code: 'HS-101',
        course_title: 'Fire safety',
        status: 'completed',
        enrolled_at: '2026-01-05T08:00:00.000Z',
        due_at: '2026-02-01T00:00:00.000Z',
        completed_at: '2026-01-20T10:30:00.000Z',
        score: 92.5,
        time_spent_minutes: 45.5,
        expires_at: '2027-01-20T10:30:00.000Z',
        compliance: 'compliant',
        imported: false,
        source_system: null,
      },
      {
        course_id: C_PRIVACY,
        course_code: 'GDPR-1',
        course_title: 'Privacy',
        status: 'in_progress',
        enrolled_at: '2026-03-01T08:00:00.000Z',
        due_at: '2026-06-01T00:00:00.000Z',
        completed_at: null,
        score: null,
        time_spent_minutes: 10,
        expires_at: null,
        compliance: 'overdue',
        imported: false,
        source_system: null,
      },
    ]);
  });

  it('gives a learner their own transcript and nobody else’s; a manager their subtree’s', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const ada = { kind: 'limited', departmentIds: [], selfId: ADA } as const;
    const managerOfOps = { kind: 'limited', departmentIds: [D_OPS], selfId: BOB } as const;

    // Act
    const own = await fixture.run(transcriptReport, { person: ADA }, ada);
    const someoneElse = await fixture.run(transcriptReport, { person: BOB }, ada);
    const outsideSubtree = await fixture.run(transcriptReport, { person: ADA }, managerOfOps);
    const insideSubtree = await fixture.run(transcriptReport, { person: BOB }, managerOfOps);

    // Assess
    expect(own.map((row) => row.course_title)).toEqual(['Spreadsheets', 'Fire safety', 'Privacy']);
    expect(someoneElse).toEqual([]);
    expect(outsideSubtree).toEqual([]);
    expect(insideSubtree.map((row) => [row.course_title, row.compliance])).toEqual([
      ['Fire safety', 'overdue'],
    ]);
  });

  it('needs the person, as a user id', () => {
    expect(transcriptReport.params.safeParse({}).error?.issues.map((issue) => issue.path)).toEqual([
      ['person'],
    ]);
    expect(
      transcriptReport.params.safeParse({ person: 'ada@example.com' }).error?.issues.map((i) => i.path),
    ).toEqual([['person']]);
  });
});

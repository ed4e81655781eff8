/** The engagement report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { engagementReport } from '../../../shared/reports/catalog/engagement.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

function attempt(
  id: string,
  fields: { user_id: string | null; course_id: string; sco_id: string | null; launched_at: string },
  outcome: { completion?: string; success?: string; total_seconds?: number | null; preview?: boolean } = {},
) {
  return {
    attempt_id: id,
    preview: false,
    completion: 'incomplete',
    success: 'unknown',
    total_seconds: null,
    ...fields,
    ...outcome,
  };
}

const tables = {
  departments: [
    { department_id: D_ROOT, name: 'Company', ancestor_ids: [] },
    { department_id: D_SALES, name: 'Sales', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
    { department_id: D_OPS, name: 'Operations', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
  ],
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety', status: 'published' },
    { course_id: C_PRIVACY, title: 'Privacy', status: 'published' },
  ],
  people: [
    { user_id: 'u1', department_id: D_SALES },
    { user_id: 'u2', department_id: D_SALES },
    { user_id: 'u3', department_id: D_OPS },
    { user_id: 'u4', department_id: D_OPS },
  ],
  attempts: [
    // u1 completes the first SCO, then stops in the second: they drop off at sco-2.
    attempt(
      'a1',
      { user_id: 'u1', course_id: C_SAFETY, sco_id: 'sco-1', launched_at: '2026-01-10T09:00:00Z' },
      { completion: 'completed', total_seconds: 600 },
    ),
    attempt(
      'a2',
      { user_id: 'u1', course_id: C_SAFETY, sco_id: 'sco-2', launched_at: '2026-01-11T09:00:00Z' },
      { total_seconds: 300 },
    ),
    // u2 needs two attempts at sco-1, and completes it.
    attempt(
      'a3',
      { user_id: 'u2', course_id: C_SAFETY, sco_id: 'sco-1', launched_at: '2026-01-12T09:00:00Z' },
      { total_seconds: 120 },
    ),
    attempt(
      'a4',
      { user_id: 'u2', course_id: C_SAFETY, sco_id: 'sco-1', launched_at: '2026-01-13T09:00:00Z' },
      { completion: 'completed', total_seconds: 240 },
    ),
    // u3 starts sco-1 and goes no further.
    attempt(
      'a5',
      { user_id: 'u3', course_id: C_SAFETY, sco_id: 'sco-1', launched_at: '2026-01-14T09:00:00Z' },
      { total_seconds: 90 },
    ),
    // An erased person passed sco-1 (no time reported): they still count, as someone of their own.
    attempt(
      'a6',
      { user_id: null, course_id: C_SAFETY, sco_id: 'sco-1', launched_at: '2026-01-15T09:00:00Z' },
      { success: 'passed' },
    ),
    // Not counted: an administrator's preview, and an attempt after the period.
    attempt(
      'a7',
      { user_id: 'u4', course_id: C_SAFETY, sco_id: 'sco-2', launched_at: '2026-01-16T09:00:00Z' },
      { preview: true, total_seconds: 50 },
    ),
    attempt(
      'a8',
      { user_id: 'u1', course_id: C_SAFETY, sco_id: 'sco-2', launched_at: '2026-07-01T00:00:00Z' },
      { completion: 'completed', total_seconds: 400 },
    ),
    // An xAPI course: no SCO.
    attempt(
      'a9',
      { user_id: 'u2', course_id: C_PRIVACY, sco_id: null, launched_at: '2026-06-30T23:00:00Z' },
      { completion: 'completed', total_seconds: 1800 },
    ),
  ],
};

const PRIVACY_ROW = {
  course_id: C_PRIVACY,
  course_title: 'Privacy',
  sco_id: null,
  started: 1,
  attempts: 1,
  minutes_spent: 30,
  average_minutes: 30,
  completed: 1,
  not_completed: 0,
  dropped_off: 0,
};
const SAFETY_SCO_2 = {
  course_id: C_SAFETY,
  course_title: 'Fire safety',
  sco_id: 'sco-2',
  started: 1,
  attempts: 1,
  minutes_spent: 5,
  average_minutes: 5,
  completed: 0,
  not_completed: 1,
  dropped_off: 1,
};

describe('engagement report', () => {
  it('counts people, attempts, time, completions and drop-off per SCO, previews and other periods left out', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(engagementReport, { from: '2026-01-01', to: '2026-06-30' });

    // Assess
    expect(rows).toEqual([
      {
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        sco_id: 'sco-1',
        started: 4,
        attempts: 5,
        minutes_spent: 17.5,
        average_minutes: 4.4,
        completed: 3,
        not_completed: 1,
        dropped_off: 1,
      },
      SAFETY_SCO_2,
      PRIVACY_ROW,
    ]);
  });

  it('narrows to a department, and a manager sees only their people', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const period = { from: '2026-01-01', to: '2026-06-30' };

    // Act
    const ops = await fixture.run(engagementReport, { ...period, department: D_OPS });
    const managerOfSales = await fixture.run(engagementReport, period, {
      kind: 'limited',
      departmentIds: [D_SALES],
      selfId: 'u9',
    });

    // Assess
    expect(ops).toEqual([
      {
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        sco_id: 'sco-1',
        started: 1,
        attempts: 1,
        minutes_spent: 1.5,
        average_minutes: 1.5,
        completed: 0,
        not_completed: 1,
        dropped_off: 1,
      },
    ]);
    expect(managerOfSales).toEqual([
      {
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        sco_id: 'sco-1',
        started: 2,
        attempts: 3,
        minutes_spent: 16,
        average_minutes: 8,
        completed: 2,
        not_completed: 0,
        dropped_off: 0,
      },
      SAFETY_SCO_2,
      PRIVACY_ROW,
    ]);
  });
});

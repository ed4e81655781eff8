/** The enrollment funnel report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { enrollmentFunnelReport } from '../../../shared/reports/catalog/enrollment-funnel.ts';
import { reportFixture } from '../../support/reports.ts';

const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

const enrollment = (
  course_id: string,
  user_id: string,
  status: string,
  enrolled_at: string,
  more: { completed_at?: string; time_spent_seconds?: number } = {},
) => ({ course_id, user_id, status, enrolled_at, time_spent_seconds: 0, ...more });

const tables = {
  departments: [
    { department_id: D_SALES, name: 'Sales', ancestor_ids: [] },
    { department_id: D_OPS, name: 'Operations', ancestor_ids: [] },
  ],
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety' },
    { course_id: C_PRIVACY, title: 'Privacy' },
  ],
  people: [
    { user_id: 'u1', department_id: D_SALES },
    { user_id: 'u2', department_id: D_SALES },
    { user_id: 'u3', department_id: D_SALES },
    { user_id: 'u4', department_id: D_OPS },
    { user_id: 'u5', department_id: D_OPS },
    { user_id: 'u6', department_id: null },
  ],
  enrollments: [
    enrollment(C_SAFETY, 'u1', 'completed', '2026-01-10T09:00:00Z', { completed_at: '2026-02-01T00:00:00Z' }),
    enrollment(C_SAFETY, 'u2', 'in_progress', '2026-02-01T09:00:00Z'),
    // Enrolled in the last second of the period; started by an attempt only.
    enrollment(C_SAFETY, 'u3', 'enrolled', '2026-03-31T23:59:59Z'),
    // Only an administrator's preview: not started.
    enrollment(C_SAFETY, 'u4', 'enrolled', '2026-01-15T09:00:00Z'),
    enrollment(C_SAFETY, 'u5', 'withdrawn', '2026-02-10T09:00:00Z', { time_spent_seconds: 120 }),
    // The day after the period.
    enrollment(C_SAFETY, 'u6', 'enrolled', '2026-04-01T00:00:00Z', { time_spent_seconds: 60 }),
    // Re-enrolled to recertify: its earlier completion stays recorded.
    enrollment(C_PRIVACY, 'u1', 'enrolled', '2026-01-01T00:00:00Z', { completed_at: '2026-01-02T00:00:00Z' }),
    // The second before the period.
    enrollment(C_PRIVACY, 'u2', 'failed', '2025-12-31T23:59:59Z'),
    enrollment(C_PRIVACY, 'u4', 'failed', '2026-03-01T09:00:00Z'),
    enrollment(C_PRIVACY, 'u6', 'enrolled', '2026-02-02T09:00:00Z'),
  ],
  attempts: [
    {
      attempt_id: 'a1',
      course_id: C_SAFETY,
      user_id: 'u3',
      preview: false,
      launched_at: '2026-04-02T00:00:00Z',
    },
    {
      attempt_id: 'a2',
      course_id: C_SAFETY,
      user_id: 'u4',
      preview: true,
      launched_at: '2026-01-16T00:00:00Z',
    },
  ],
};

const stages = (row: Record<string, unknown>) => [
  row.course_title,
  row.department_name,
  row.enrolled,
  row.started,
  row.completed,
  row.withdrawn,
];

const period = { from: '2026-01-01', to: '2026-03-31' };

describe('enrollment-funnel report', () => {
  it('counts the period’s enrollments per course and department, and how many started and completed', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(enrollmentFunnelReport, period);

    // Assess
    expect(rows.map(stages)).toEqual([
      ['Fire safety', 'Operations', 2, 1, 0, 1],
      ['Fire safety', 'Sales', 3, 3, 1, 0],
      ['Privacy', 'Operations', 1, 1, 0, 0],
      ['Privacy', 'Sales', 1, 1, 1, 0],
      ['Privacy', null, 1, 0, 0, 0],
    ]);
    expect(rows[1]).toEqual({
      course_id: C_SAFETY,
      course_title: 'Fire safety',
      department_id: D_SALES,
      department_name: 'Sales',
      enrolled: 3,
      started: 3,
      completed: 1,
      withdrawn: 0,
      start_rate: 1,
      completion_rate: 1 / 3,
    });
    expect(rows[0]?.start_rate).toBe(0.5);
  });

  it('narrows to a course or a department, and a manager sees only their subtree', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const privacy = await fixture.run(enrollmentFunnelReport, { ...period, course: C_PRIVACY });
    const ops = await fixture.run(enrollmentFunnelReport, { ...period, department: D_OPS });
    const managerOfSales = await fixture.run(enrollmentFunnelReport, period, {
      kind: 'limited',
      departmentIds: [D_SALES],
      selfId: 'u1',
    });

    // Assess
    expect(privacy.map(stages)).toEqual([
      ['Privacy', 'Operations', 1, 1, 0, 0],
      ['Privacy', 'Sales', 1, 1, 1, 0],
      ['Privacy', null, 1, 0, 0, 0],
    ]);
    expect(ops.map(stages)).toEqual([
      ['Fire safety', 'Operations', 2, 1, 0, 1],
      ['Privacy', 'Operations', 1, 1, 0, 0],
    ]);
    expect(managerOfSales.map(stages)).toEqual([
      ['Fire safety', 'Sales', 3, 3, 1, 0],
      ['Privacy', 'Sales', 1, 1, 1, 0],
    ]);
  });

  it('refuses a period longer than five years, naming params.to', () => {
    expect(
      enrollmentFunnelReport.params.safeParse({ from: '2020-01-01', to: '2025-01-05' }).error?.issues,
    ).toEqual([expect.objectContaining({ path: ['to'], message: 'a period is at most 5 years long' })]);
  });
});

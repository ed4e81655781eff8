/** The completion report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { completionReport } from '../../../shared/reports/catalog/completion.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

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
  ],
  completions: [
    {
      course_id: C_SAFETY,
      user_id: 'u1',
      department_id: D_SALES,
      completed_at: '2026-01-10T09:00:00Z',
      score: 80,
    },
    {
      course_id: C_SAFETY,
      user_id: 'u2',
      department_id: D_SALES,
      completed_at: '2026-02-11T09:00:00Z',
      score: 90,
    },
    {
      course_id: C_SAFETY,
      user_id: 'u3',
      department_id: D_OPS,
      completed_at: '2026-01-31T23:59:59Z',
      score: null,
    },
    {
      course_id: C_PRIVACY,
      user_id: 'u1',
      department_id: D_SALES,
      completed_at: '2026-04-01T00:00:00Z',
      score: 70,
    },
    // Outside the period: the day after `to`.
    {
      course_id: C_PRIVACY,
      user_id: 'u2',
      department_id: D_SALES,
      completed_at: '2026-07-01T00:00:00Z',
      score: 70,
    },
  ],
};

describe('completion report', () => {
  it('counts completions per quarter, course and department, inside the period only', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(completionReport, {
      from: '2026-01-01',
      to: '2026-06-30',
      granularity: 'quarter',
    });

    // Assess
    expect(rows).toEqual([
      {
        period: '2026-01-01',
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        department_id: D_OPS,
        department_name: 'Operations',
        completions: 1,
        average_score: null,
      },
      {
        period: '2026-01-01',
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        department_id: D_SALES,
        department_name: 'Sales',
        completions: 2,
        average_score: 85,
      },
      {
        period: '2026-04-01',
        course_id: C_PRIVACY,
        course_title: 'Privacy',
        department_id: D_SALES,
        department_name: 'Sales',
        completions: 1,
        average_score: 70,
      },
    ]);
  });

  it('narrows to a department subtree, and a manager sees only theirs whatever they ask', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const params = { from: '2026-01-01', to: '2026-12-31', granularity: 'year' };

    // Act
    const root = await fixture.run(completionReport, { ...params, department: D_ROOT });
    const ops = await fixture.run(completionReport, { ...params, department: D_OPS });
    const managerOfSales = await fixture.run(completionReport, params, {
      kind: 'limited',
      departmentIds: [D_SALES],
      selfId: 'u9',
    });

    // Assess
    expect(root.map((row) => row.completions)).toEqual([1, 2, 2]);
    expect(ops).toEqual([expect.objectContaining({ department_name: 'Operations', completions: 1 })]);
    expect(managerOfSales.map((row) => [row.course_title, row.department_name, row.completions])).toEqual([
      ['Fire safety', 'Sales', 2],
      ['Privacy', 'Sales', 2],
    ]);
  });

  it('refuses a period longer than five years or ending before it starts, naming params.to', () => {
    expect(completionReport.params.safeParse({ from: '2020-01-01', to: '2026-01-02' }).error?.issues).toEqual(
      [expect.objectContaining({ path: ['to'], message: 'a period is at most 5 years long' })],
    );
    expect(completionReport.params.safeParse({ from: '2026-01-02', to: '2026-01-01' }).error?.issues).toEqual(
      [expect.objectContaining({ path: ['to'], message: 'must not be before from' })],
    );
  });
});

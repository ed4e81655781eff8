/** The overdue report on fixture data with known answers: who is overdue, by how long, and whom to chase. */
import { describe, expect, it } from 'vitest';
import { overdueReport } from '../../../shared/reports/catalog/overdue.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_EMEA = '00000000-0000-4000-8000-00000000d003';
const D_OPS = '00000000-0000-4000-8000-00000000d004';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

const person = (user_id: string, department_id: string | null, manager_id: string | null = null) => ({
  user_id,
  department_id,
  manager_id,
  given_name: user_id.toUpperCase(),
  family_name: 'Doe',
  email: `${user_id}@example.com`,
  status: 'active',
});

const enrollment = (
  course_id: string,
  user_id: string,
  status: string,
  dates: { due_at?: string; expires_at?: string } = {},
) => ({ course_id, user_id, status, enrolled_at: '2026-01-01T00:00:00Z', ...dates });

// Judged at the export's time, 2026-06-30T12:00:00Z (the fixture's default).
const tables = {
  departments: [
    { department_id: D_ROOT, name: 'Company', ancestor_ids: [], manager_id: 'boss' },
    { department_id: D_SALES, name: 'Sales', parent_id: D_ROOT, ancestor_ids: [D_ROOT], manager_id: 'm1' },
    {
      department_id: D_EMEA,
      name: 'EMEA',
      parent_id: D_SALES,
      ancestor_ids: [D_ROOT, D_SALES],
      manager_id: 'e1',
    },
    { department_id: D_OPS, name: 'Operations', parent_id: D_ROOT, ancestor_ids: [D_ROOT], manager_id: null },
  ],
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety' },
    { course_id: C_PRIVACY, title: 'Privacy' },
  ],
  people: [
    person('boss', D_ROOT),
    person('m1', D_SALES),
    person('e1', D_EMEA, 'm1'),
    person('u1', D_SALES),
    person('u2', D_EMEA, 'm1'),
    person('u3', D_OPS),
    person('u4', D_SALES),
    person('u5', null),
  ],
  enrollments: [
    enrollment(C_SAFETY, 'm1', 'enrolled', { due_at: '2026-06-20T00:00:00Z' }),
    enrollment(C_SAFETY, 'u1', 'in_progress', { due_at: '2026-06-29T23:00:00Z' }),
    enrollment(C_PRIVACY, 'u1', 'enrolled', { due_at: '2026-06-30T11:00:00Z' }),
    enrollment(C_SAFETY, 'u2', 'enrolled', { due_at: '2026-05-31T12:00:00Z' }),
    enrollment(C_PRIVACY, 'u3', 'failed', { due_at: '2026-06-01T00:00:00Z' }),
    enrollment(C_SAFETY, 'u5', 'enrolled', { due_at: '2026-06-25T00:00:00Z' }),
    // Not overdue: due after the export, completed, withdrawn, or already expired.
    enrollment(C_SAFETY, 'u4', 'enrolled', { due_at: '2026-07-01T00:00:00Z' }),
    enrollment(C_SAFETY, 'e1', 'completed', { due_at: '2026-06-01T00:00:00Z' }),
    enrollment(C_PRIVACY, 'u2', 'withdrawn', { due_at: '2026-01-01T00:00:00Z' }),
    enrollment(C_SAFETY, 'u3', 'enrolled', {
      due_at: '2026-01-01T00:00:00Z',
      expires_at: '2026-06-01T00:00:00Z',
    }),
  ],
};

const chase = (row: Record<string, unknown>) => [
  row.user_id,
  row.course_title,
  row.days_overdue,
  row.manager_id,
  row.manager_name,
  row.manager_from,
];

describe('overdue report', () => {
  it('lists the overdue, longest first, with their manager: their own, the department’s, the parent’s', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(overdueReport, {});

    // Assess
    expect(rows.map(chase)).toEqual([
      ['u2', 'Fire safety', 30, 'm1', 'M1 Doe', 'person'],
      ['u3', 'Privacy', 29, 'boss', 'BOSS Doe', 'parent department'],
      ['m1', 'Fire safety', 10, 'boss', 'BOSS Doe', 'parent department'],
      ['u5', 'Fire safety', 5, null, null, null],
      // Calendar days (UTC): due the evening before is one day overdue, due that morning none.
      ['u1', 'Fire safety', 1, 'm1', 'M1 Doe', 'department'],
      ['u1', 'Privacy', 0, 'm1', 'M1 Doe', 'department'],
    ]);
    expect(rows[0]).toEqual({
      user_id: 'u2',
      person_name: 'U2 Doe',
      email: 'u2@example.com',
      department_id: D_EMEA,
      department_name: 'EMEA',
      course_id: C_SAFETY,
      course_title: 'Fire safety',
      due_at: '2026-05-31T12:00:00.000Z',
      days_overdue: 30,
      manager_id: 'm1',
      manager_name: 'M1 Doe',
      manager_email: 'm1@example.com',
      manager_from: 'person',
    });
  });

  it('narrows by course and department subtree, and judges at asOf when given', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const privacy = await fixture.run(overdueReport, { course: C_PRIVACY });
    const sales = await fixture.run(overdueReport, { department: D_SALES });
    const earlier = await fixture.run(overdueReport, { asOf: '2026-06-10T00:00:00Z' });

    // Assess
    expect(privacy.map((row) => row.user_id)).toEqual(['u3', 'u1']);
    expect(sales.map((row) => [row.user_id, row.course_title])).toEqual([
      ['u2', 'Fire safety'],
      ['m1', 'Fire safety'],
      ['u1', 'Fire safety'],
      ['u1', 'Privacy'],
    ]);
    expect(earlier.map((row) => [row.user_id, row.days_overdue])).toEqual([
      ['u2', 10],
      ['u3', 9],
    ]);
  });

  it('shows a manager their subtree only; a chaser outside it is named by id at most', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(
      overdueReport,
      {},
      { kind: 'limited', departmentIds: [D_SALES, D_EMEA], selfId: 'm1' },
    );

    // Assess: the Company department (m1's parent) is outside the scope, so m1's own chaser is unknown
    expect(rows.map(chase)).toEqual([
      ['u2', 'Fire safety', 30, 'm1', 'M1 Doe', 'person'],
      ['m1', 'Fire safety', 10, null, null, null],
      ['u1', 'Fire safety', 1, 'm1', 'M1 Doe', 'department'],
      ['u1', 'Privacy', 0, 'm1', 'M1 Doe', 'department'],
    ]);
  });
});

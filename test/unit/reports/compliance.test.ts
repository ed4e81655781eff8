/** The compliance report on fixture data with known answers, and its statuses against the live page's. */
import { describe, expect, it } from 'vitest';
import { complianceStatus, ENROLLMENT_STATUSES } from '../../../shared/domain/enrollment.ts';
import { complianceReport } from '../../../shared/reports/catalog/compliance.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_EMEA = '00000000-0000-4000-8000-00000000d003';
const D_OPS = '00000000-0000-4000-8000-00000000d004';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

const enrollment = (
  course_id: string,
  user_id: string | null,
  status: string,
  dates: { due_at?: string; expires_at?: string; completed_at?: string } = {},
) => ({ course_id, user_id, status, enrolled_at: '2026-01-01T00:00:00Z', ...dates });

// The export's time (the fixture's default `exportedAt`) is 2026-06-30T12:00:00Z: statuses are judged then.
const tables = {
  departments: [
    { department_id: D_ROOT, name: 'Company', ancestor_ids: [] },
    { department_id: D_SALES, name: 'Sales', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
    { department_id: D_EMEA, name: 'EMEA', parent_id: D_SALES, ancestor_ids: [D_ROOT, D_SALES] },
    { department_id: D_OPS, name: 'Operations', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
  ],
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety', status: 'published' },
    { course_id: C_PRIVACY, title: 'Privacy', status: 'published' },
  ],
  people: [
    { user_id: 'u1', department_id: D_SALES, status: 'active' },
    { user_id: 'u2', department_id: D_SALES, status: 'active' },
    // Suspended people count, as on the page (it lists a department's people whatever their status).
    { user_id: 'u3', department_id: D_SALES, status: 'suspended' },
    { user_id: 'u4', department_id: D_EMEA, status: 'active' },
    { user_id: 'u5', department_id: D_OPS, status: 'active' },
    { user_id: 'u6', department_id: null, status: 'active' },
  ],
  enrollments: [
    enrollment(C_SAFETY, 'u1', 'completed', {
      completed_at: '2026-02-01T00:00:00Z',
      expires_at: '2027-02-01T00:00:00Z',
    }),
    // Its certification lapses at the very moment of the export: expired.
    enrollment(C_SAFETY, 'u2', 'completed', {
      completed_at: '2025-06-30T12:00:00Z',
      expires_at: '2026-06-30T12:00:00Z',
    }),
    enrollment(C_SAFETY, 'u3', 'enrolled', { due_at: '2026-06-30T11:59:59Z' }),
    // Due at the very moment of the export: not yet overdue.
    enrollment(C_SAFETY, 'u4', 'in_progress', { due_at: '2026-06-30T12:00:00Z' }),
    enrollment(C_PRIVACY, 'u4', 'expired', { expires_at: '2026-05-01T00:00:00Z' }),
    // Re-enrolled to recertify, and the certification lapsed before they completed again.
    enrollment(C_PRIVACY, 'u1', 'enrolled', { expires_at: '2026-06-01T00:00:00Z' }),
    // Not required: withdrawn, or neither due date nor certification.
    enrollment(C_PRIVACY, 'u2', 'withdrawn', { due_at: '2026-01-01T00:00:00Z' }),
    enrollment(C_PRIVACY, 'u3', 'enrolled'),
    enrollment(C_SAFETY, 'u5', 'completed', {
      due_at: '2026-03-01T00:00:00Z',
      completed_at: '2026-02-01T00:00:00Z',
    }),
    enrollment(C_PRIVACY, 'u5', 'failed', { due_at: '2026-05-01T00:00:00Z' }),
    enrollment(C_SAFETY, 'u6', 'enrolled', { due_at: '2026-01-01T00:00:00Z' }),
    // An erased person's enrollment: no person, so in no department (reconciliation names the difference).
    enrollment(C_SAFETY, null, 'enrolled', { due_at: '2026-01-01T00:00:00Z' }),
  ],
};

const counts = (row: Record<string, unknown>) => [
  row.department_name,
  row.course_title,
  row.required,
  row.compliant,
  row.pending,
  row.overdue,
  row.expired,
];

describe('compliance report', () => {
  it('counts required enrollments per department and course by status, at the export time', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(complianceReport, {});

    // Assess
    expect(rows.map(counts)).toEqual([
      ['EMEA', 'Fire safety', 1, 0, 1, 0, 0],
      ['EMEA', 'Privacy', 1, 0, 0, 0, 1],
      ['Operations', 'Fire safety', 1, 1, 0, 0, 0],
      ['Operations', 'Privacy', 1, 0, 0, 1, 0],
      ['Sales', 'Fire safety', 3, 1, 0, 1, 1],
      ['Sales', 'Privacy', 1, 0, 0, 0, 1],
      [null, 'Fire safety', 1, 0, 0, 1, 0],
    ]);
    expect(rows[4]).toEqual({
      department_id: D_SALES,
      department_name: 'Sales',
      course_id: C_SAFETY,
      course_title: 'Fire safety',
      required: 3,
      compliant: 1,
      pending: 0,
      overdue: 1,
      expired: 1,
      compliance_rate: 1 / 3,
    });
  });

  it('judges at asOf when given', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(complianceReport, { asOf: '2026-01-01T00:00:00Z', course: C_SAFETY });

    // Assess: u2's certification still valid, u3 and u4 not yet due, u6 due that very moment (pending)
    expect(rows.map(counts)).toEqual([
      ['EMEA', 'Fire safety', 1, 0, 1, 0, 0],
      ['Operations', 'Fire safety', 1, 1, 0, 0, 0],
      ['Sales', 'Fire safety', 3, 2, 1, 0, 0],
      [null, 'Fire safety', 1, 0, 1, 0, 0],
    ]);
  });

  it('narrows to a department subtree, and a manager sees only theirs whatever they ask', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const managerOfSales = { kind: 'limited', departmentIds: [D_SALES, D_EMEA], selfId: 'u1' } as const;

    // Act
    const sales = await fixture.run(complianceReport, { department: D_SALES });
    const emea = await fixture.run(complianceReport, { department: D_EMEA });
    const asManager = await fixture.run(complianceReport, {}, managerOfSales);
    const asManagerAskingRoot = await fixture.run(complianceReport, { department: D_ROOT }, managerOfSales);

    // Assess
    const salesSubtree = [
      ['EMEA', 'Fire safety', 1, 0, 1, 0, 0],
      ['EMEA', 'Privacy', 1, 0, 0, 0, 1],
      ['Sales', 'Fire safety', 3, 1, 0, 1, 1],
      ['Sales', 'Privacy', 1, 0, 0, 0, 1],
    ];
    expect(sales.map(counts)).toEqual(salesSubtree);
    expect(emea.map(counts)).toEqual(salesSubtree.slice(0, 2));
    expect(asManager.map(counts)).toEqual(salesSubtree);
    expect(asManagerAskingRoot.map(counts)).toEqual(salesSubtree);
  });

  it('refuses parameters of the wrong type, naming them', () => {
    const issues = complianceReport.params.safeParse({ department: 'sales', asOf: '2026-06-30', extra: 1 })
      .error?.issues;
    expect(issues?.map((issue) => issue.path.join('.') || issue.code).sort()).toEqual([
      'asOf',
      'department',
      'unrecognized_keys',
    ]);
  });

  it('gives every enrollment the status the live compliance page gives it', async () => {
    // Prepare: every enrollment status against due dates and expiries before, at and after the moment
    const asOf = '2026-06-30T12:00:00.000Z';
    const moments = [null, '2026-06-30T11:59:59.000Z', asOf, '2026-06-30T12:00:01.000Z'];
    const cases = ENROLLMENT_STATUSES.filter((status) => status !== 'withdrawn').flatMap((status) =>
      moments.flatMap((dueAt) => moments.map((expiresAt) => ({ status, dueAt, expiresAt }))),
    );
    const required = cases.filter((c) => c.dueAt !== null || c.expiresAt !== null);
    const courseId = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const fixture = await reportFixture({
      people: [{ user_id: 'u1', department_id: D_SALES }],
      departments: [{ department_id: D_SALES, name: 'Sales', ancestor_ids: [] }],
      courses: required.map((_, index) => ({ course_id: courseId(index), title: `Case ${index}` })),
      enrollments: required.map((c, index) =>
        enrollment(courseId(index), 'u1', c.status, {
          ...(c.dueAt ? { due_at: c.dueAt } : {}),
          ...(c.expiresAt ? { expires_at: c.expiresAt } : {}),
        }),
      ),
    });

    // Act
    const rows = await fixture.run(complianceReport, { asOf });

    // Assess: each case is its own course, so its row counts one enrollment in its status
    expect(required).toHaveLength(75);
    const byCourse = new Map(rows.map((row) => [row.course_id, row]));
    for (const [index, c] of required.entries()) {
      const row = byCourse.get(courseId(index));
      const status = complianceStatus(c, asOf);
      expect({ ...c, counted: row?.[status] }).toEqual({ ...c, counted: 1 });
      expect(row?.required).toBe(1);
    }
  });
});

/** The training ROI report on fixture data with known answers: spend, cost per completion, hours. */
import { describe, expect, it } from 'vitest';
import { trainingRoiReport } from '../../../shared/reports/catalog/training-roi.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';
const C_ONBOARDING = '00000000-0000-4000-8000-00000000c003';

/** u1-u6 and u11 in Sales, u7-u10 in Operations. */
const people = [
  ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u11'].map((user_id) => ({ user_id, department_id: D_SALES })),
  ...['u7', 'u8', 'u9', 'u10'].map((user_id) => ({ user_id, department_id: D_OPS })),
];
const department = (user: string) => people.find((person) => person.user_id === user)?.department_id;

function enrollment(course_id: string, user_id: string, enrolled_at: string, status = 'enrolled') {
  return { course_id, user_id, enrolled_at, status };
}
function completion(course_id: string, user_id: string, completed_at: string) {
  return { course_id, user_id, department_id: department(user_id), completed_at, status: 'completed' };
}

const tables = {
  departments: [
    { department_id: D_ROOT, name: 'Company', ancestor_ids: [] },
    { department_id: D_SALES, name: 'Sales', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
    { department_id: D_OPS, name: 'Operations', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
  ],
  courses: [
    {
      course_id: C_SAFETY,
      title: 'Fire safety',
      duration_minutes: 60,
      expected_minutes: 90,
      cost_per_seat: 50,
      cost_fixed: 500,
      cost_currency: 'EUR',
    },
    // No expected minutes: its duration counts.
    {
      course_id: C_PRIVACY,
      title: 'Privacy',
      duration_minutes: 30,
      cost_per_seat: 20,
      cost_fixed: 0,
      cost_currency: 'USD',
    },
    // No cost at all.
    { course_id: C_ONBOARDING, title: 'Onboarding', expected_minutes: 45 },
  ],
  people,
  enrollments: [
    // Fire safety: 10 seats in the period, 8 in Q1 and 2 in Q2; u10 withdrew but took a seat.
    ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'].map((user) =>
      enrollment(C_SAFETY, user, '2026-01-05T09:00:00Z'),
    ),
    enrollment(C_SAFETY, 'u9', '2026-04-10T09:00:00Z'),
    enrollment(C_SAFETY, 'u10', '2026-06-30T23:00:00Z', 'withdrawn'),
    // Before the period: a seat of 2025, whose completion falls in the period.
    enrollment(C_SAFETY, 'u11', '2025-12-20T09:00:00Z', 'completed'),
    ...['u1', 'u2', 'u3'].map((user) => enrollment(C_PRIVACY, user, '2026-02-01T09:00:00Z')),
    enrollment(C_ONBOARDING, 'u4', '2026-01-02T09:00:00Z'),
  ],
  completions: [
    completion(C_SAFETY, 'u1', '2026-01-20T09:00:00Z'),
    completion(C_SAFETY, 'u2', '2026-02-20T09:00:00Z'),
    completion(C_SAFETY, 'u7', '2026-03-31T23:59:59Z'),
    completion(C_SAFETY, 'u11', '2026-01-15T09:00:00Z'),
    // The day after the period.
    completion(C_SAFETY, 'u3', '2026-07-01T00:00:00Z'),
    completion(C_PRIVACY, 'u1', '2026-03-01T09:00:00Z'),
    completion(C_ONBOARDING, 'u4', '2026-01-03T09:00:00Z'),
  ],
};

const HALF_YEAR = { from: '2026-01-01', to: '2026-06-30' };

describe('training-roi report', () => {
  it('gives the cost per completion the seats, costs and completions imply: (10 x 50 + 500) / 4 = 250 EUR', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(trainingRoiReport, { ...HALF_YEAR, granularity: 'year' });

    // Assess: one row per course, each in its own currency; hours = completions x expected (or duration) / 60
    expect(rows).toEqual([
      {
        period: '2026-01-01',
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        currency: 'EUR',
        seats: 10,
        completions: 4,
        training_hours: 6,
        spend: 1000,
        cost_per_completion: 250,
      },
      {
        period: '2026-01-01',
        course_id: C_ONBOARDING,
        course_title: 'Onboarding',
        currency: null,
        seats: 1,
        completions: 1,
        training_hours: 0.75,
        spend: null,
        cost_per_completion: null,
      },
      {
        period: '2026-01-01',
        course_id: C_PRIVACY,
        course_title: 'Privacy',
        currency: 'USD',
        seats: 3,
        completions: 1,
        training_hours: 0.5,
        spend: 60,
        cost_per_completion: 60,
      },
    ]);
  });

  it('spreads the fixed cost over the periods by seats, so the quarters add up to the half year', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(trainingRoiReport, {
      ...HALF_YEAR,
      granularity: 'quarter',
      course: C_SAFETY,
    });

    // Assess: Q1 8 x 50 + 500 x 8/10 = 800 for 4 completions; Q2 2 x 50 + 500 x 2/10 = 200 for none
    expect(
      rows.map((row) => [row.period, row.seats, row.completions, row.spend, row.cost_per_completion]),
    ).toEqual([
      ['2026-01-01', 8, 4, 800, 200],
      ['2026-04-01', 2, 0, 200, null],
    ]);
  });

  it('narrows seats and completions to a department, whose seats carry the whole fixed cost', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const params = { ...HALF_YEAR, granularity: 'year', course: C_SAFETY };

    // Act
    const [sales] = await fixture.run(trainingRoiReport, { ...params, department: D_SALES });
    const [everyone] = await fixture.run(trainingRoiReport, { ...params, department: D_ROOT });
    const managerOfOps = await fixture.run(trainingRoiReport, params, {
      kind: 'limited',
      departmentIds: [D_OPS],
      selfId: 'u99',
    });

    // Assess: Sales has 6 seats and 3 completions (u11's seat was of 2025): (6 x 50 + 500) / 3
    expect(sales).toMatchObject({ seats: 6, completions: 3, spend: 800, cost_per_completion: 266.67 });
    expect(everyone).toMatchObject({ seats: 10, completions: 4, cost_per_completion: 250 });
    expect(managerOfOps).toEqual([
      expect.objectContaining({
        seats: 4,
        completions: 1,
        training_hours: 1.5,
        spend: 700,
        cost_per_completion: 700,
      }),
    ]);
  });

  it('refuses a period of more than five years, and an unknown granularity, naming the parameter', () => {
    expect(
      trainingRoiReport.params.safeParse({ from: '2020-01-01', to: '2026-01-02' }).error?.issues[0]?.path,
    ).toEqual(['to']);
    expect(
      trainingRoiReport.params.safeParse({ ...HALF_YEAR, granularity: 'week' }).error?.issues[0]?.path,
    ).toEqual(['granularity']);
  });
});

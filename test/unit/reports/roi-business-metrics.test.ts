/** The business metric beside training, per department and period, on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { roiBusinessMetricsReport } from '../../../shared/reports/catalog/roi-business-metrics.ts';
import { reportFixture } from '../../support/reports.ts';

const D_ROOT = '00000000-0000-4000-8000-00000000d001';
const D_SALES = '00000000-0000-4000-8000-00000000d002';
const D_OPS = '00000000-0000-4000-8000-00000000d003';
const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';

function figure(
  department_id: string,
  metric: string,
  unit: string,
  start: string,
  end: string,
  value: number,
) {
  return { department_id, metric, unit, period_start: start, period_end: end, value };
}
function completion(course_id: string, user_id: string, department_id: string, completed_at: string) {
  return { course_id, user_id, department_id, completed_at, status: 'completed' };
}

const tables = {
  departments: [
    { department_id: D_ROOT, name: 'Company', ancestor_ids: [] },
    { department_id: D_SALES, name: 'Sales', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
    { department_id: D_OPS, name: 'Operations', parent_id: D_ROOT, ancestor_ids: [D_ROOT] },
  ],
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety', duration_minutes: 60, expected_minutes: 90 },
    { course_id: C_PRIVACY, title: 'Privacy', duration_minutes: 30 },
  ],
  people: [
    { user_id: 'u1', department_id: D_SALES },
    { user_id: 'u2', department_id: D_SALES },
    { user_id: 'u3', department_id: D_OPS },
  ],
  completions: [
    completion(C_SAFETY, 'u1', D_SALES, '2026-01-20T09:00:00Z'),
    completion(C_SAFETY, 'u2', D_SALES, '2026-02-20T09:00:00Z'),
    completion(C_PRIVACY, 'u1', D_SALES, '2026-03-01T09:00:00Z'),
    completion(C_SAFETY, 'u3', D_OPS, '2026-05-02T09:00:00Z'),
  ],
  business_metrics: [
    // Sales reports monthly: January and February are one quarter's figure, added up.
    figure(D_SALES, 'incidents', 'incidents', '2026-01-01', '2026-01-31', 5),
    figure(D_SALES, 'incidents', 'incidents', '2026-02-01', '2026-02-28', 7),
    figure(D_SALES, 'incidents', 'incidents', '2026-04-01', '2026-06-30', 8),
    figure(D_OPS, 'incidents', 'incidents', '2026-01-01', '2026-03-31', 4),
    // Another metric, and a figure after the period: neither shows.
    figure(D_SALES, 'sales', 'EUR', '2026-01-01', '2026-03-31', 250_000),
    figure(D_OPS, 'incidents', 'incidents', '2026-07-01', '2026-09-30', 9),
  ],
};

const PARAMS = { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter', metric: 'incidents' };

describe('roi-business-metrics report', () => {
  it('sets the metric beside completions and training hours, per department and quarter', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(roiBusinessMetricsReport, PARAMS);

    // Assess: Sales Q1 hours = 2 x 90 / 60 + 30 / 60 = 3.5
    const row = (
      period: string,
      department: string,
      completions: number,
      hours: number,
      value: number | null,
      figures: number,
    ) => ({
      period,
      department_id: department === 'Sales' ? D_SALES : D_OPS,
      department_name: department,
      completions,
      training_hours: hours,
      metric: 'incidents',
      unit: value === null ? null : 'incidents',
      value,
      figures,
    });
    expect(rows).toEqual([
      row('2026-01-01', 'Operations', 0, 0, 4, 1),
      row('2026-01-01', 'Sales', 3, 3.5, 12, 2),
      row('2026-04-01', 'Operations', 1, 1.5, null, 0),
      row('2026-04-01', 'Sales', 0, 0, 8, 1),
    ]);
  });

  it('keeps units apart, and a manager to their subtree', async () => {
    // Prepare: Operations reported one quarter in two units
    const fixture = await reportFixture({
      ...tables,
      business_metrics: [
        ...tables.business_metrics,
        figure(D_OPS, 'incidents', 'lost days', '2026-01-01', '2026-03-31', 11),
      ],
    });

    // Act
    const ops = await fixture.run(roiBusinessMetricsReport, PARAMS, {
      kind: 'limited',
      departmentIds: [D_OPS],
      selfId: 'u3',
    });

    // Assess
    expect(ops.map((row) => [row.period, row.department_name, row.unit, row.value, row.completions])).toEqual(
      [
        ['2026-01-01', 'Operations', 'incidents', 4, 0],
        ['2026-01-01', 'Operations', 'lost days', 11, 0],
        ['2026-04-01', 'Operations', null, null, 1],
      ],
    );
  });

  it('narrows to a department subtree, and refuses a metric name that is not one', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const sales = await fixture.run(roiBusinessMetricsReport, { ...PARAMS, department: D_SALES });

    // Assess
    expect(sales.map((row) => [row.period, row.department_name, row.value])).toEqual([
      ['2026-01-01', 'Sales', 12],
      ['2026-04-01', 'Sales', 8],
    ]);
    expect(
      roiBusinessMetricsReport.params.safeParse({ ...PARAMS, metric: "x'; DROP" }).error?.issues[0]?.path,
    ).toEqual(['metric']);
  });
});

/**
 * A business metric beside training: per department and period, the completions and training hours of its
 * people next to the figure the department reported (incidents, sales), so a quarterly review can set one
 * against the other. A report of its own (not columns of training-roi): its rows are departments, not
 * courses, and a metric has its own unit.
 */
import { MetricName } from '../../domain/business-metric.ts';
import { defineReport } from '../definition.ts';
import { departmentField, Granularity, withPeriod } from '../params.ts';

export const roiBusinessMetricsReport = defineReport({
  name: 'roi-business-metrics',
  title: 'Business metric beside training, by department and period',
  description: [
    'Per department and period (month, quarter or year): the completions of its people in the period, their training hours (completions times the course expected minutes, or its duration when it has none, / 60), and the department figures of one business metric (imported with POST /imports, type business-metrics).',
    'A figure belongs to the period its first day falls in; the figures of a department in one period are added up (figures tells how many), per unit: values of different units are never added (a department with figures in two units has a row for each, both with its completions).',
    'A department with completions and no figure shows no value; one with a figure and no completions shows 0 completions.',
  ].join(' '),
  roles: ['admin', 'manager'],
  params: withPeriod({
    granularity: Granularity.default('quarter'),
    metric: MetricName.describe('The business metric to show (as imported: incidents, sales)'),
    department: departmentField,
  }),
  example: { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter', metric: 'incidents' },
  tables: ['completions', 'courses', 'departments', 'business_metrics'],
  sql: `
WITH subtree AS (
  SELECT department_id FROM departments
  WHERE department_id = :department OR contains(ancestor_ids, :department)
),
done AS (
  SELECT
    CAST(date_trunc(:granularity, c.completed_at) AS DATE) AS period,
    c.department_id,
    count(*) AS completions,
    sum(CAST(coalesce(co.expected_minutes, co.duration_minutes) AS DOUBLE)) / 60 AS training_hours
  FROM completions c
  JOIN courses co ON co.course_id = c.course_id
  WHERE c.completed_at >= CAST(:from AS TIMESTAMP)
    AND c.completed_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND c.department_id IS NOT NULL
    AND (:department IS NULL OR c.department_id IN (SELECT department_id FROM subtree))
  GROUP BY 1, 2
),
figures AS (
  SELECT
    CAST(date_trunc(:granularity, m.period_start) AS DATE) AS period,
    m.department_id,
    m.unit,
    sum(m.value) AS value,
    count(*) AS figures
  FROM business_metrics m
  WHERE m.metric = :metric
    AND m.period_start >= CAST(:from AS DATE)
    AND m.period_start <= CAST(:to AS DATE)
    AND (:department IS NULL OR m.department_id IN (SELECT department_id FROM subtree))
  GROUP BY 1, 2, 3
),
cells AS (
  SELECT period, department_id FROM done
  UNION
  SELECT period, department_id FROM figures
)
SELECT
  k.period,
  k.department_id,
  dp.name AS department_name,
  coalesce(d.completions, 0) AS completions,
  round(coalesce(d.training_hours, 0), 2) AS training_hours,
  CAST(:metric AS VARCHAR) AS metric,
  f.unit,
  f.value,
  coalesce(f.figures, 0) AS figures
FROM cells k
LEFT JOIN departments dp ON dp.department_id = k.department_id
LEFT JOIN done d ON d.period = k.period AND d.department_id = k.department_id
LEFT JOIN figures f ON f.period = k.period AND f.department_id = k.department_id
ORDER BY k.period, department_name, k.department_id, f.unit`,
  columns: [
    { name: 'period', title: 'Period', type: 'date' },
    { name: 'department_id', title: 'Department id', type: 'string' },
    { name: 'department_name', title: 'Department', type: 'string' },
    { name: 'completions', title: 'Completions', type: 'integer' },
    { name: 'training_hours', title: 'Training hours', type: 'number' },
    { name: 'metric', title: 'Metric', type: 'string' },
    { name: 'unit', title: 'Unit', type: 'string' },
    { name: 'value', title: 'Value', type: 'number' },
    { name: 'figures', title: 'Figures added', type: 'integer' },
  ],
  // Each department a point: training hours across, the metric up (does more training go with fewer incidents?).
  chart: {
    mark: { type: 'point', filled: true },
    encoding: {
      x: { field: 'training_hours', type: 'quantitative', title: 'Training hours' },
      y: { field: 'value', type: 'quantitative', title: 'Metric value' },
      color: { field: 'department_name', type: 'nominal', title: 'Department' },
      shape: { field: 'period', type: 'ordinal', timeUnit: 'yearmonth', title: 'Period' },
    },
  },
});

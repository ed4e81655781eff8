/**
 * Training ROI: what each course cost against what it achieved, per period. Spend accrues when a seat is
 * taken (an enrollment made in the period), so spend and completions over time can be set side by side.
 * Amounts stay in their course's currency: rows are per course, and a total across currencies is never made.
 */
import { defineReport } from '../definition.ts';
import { courseField, departmentField, Granularity, withPeriod } from '../params.ts';

export const trainingRoiReport = defineReport({
  name: 'training-roi',
  title: 'Training ROI: cost per completion, training hours, spend over time',
  description: [
    'Per course and period (month, quarter or year): seats, completions, training hours and spend, in the course currency.',
    'Seats are the enrollments made in the period (enrolled_at inside it), whatever became of them since (a withdrawn or expired enrollment took its seat); waitlist places are not enrollments and do not count.',
    'Spend is the cost per seat times those seats, plus the course fixed cost spread over the seats the report counts in the whole period (so the periods of a course add up to per seat x seats + fixed).',
    'Cost per completion is the spend divided by the completions in the period (completed_at inside it; imported historical completions count, as in the completion report).',
    'Training hours are completions times the course expected minutes (its duration when it has none) / 60.',
    'Courses without a cost show seats, completions and hours, and no spend. A department (or a manager scope) narrows seats and completions to its people, and its seats then carry the whole fixed cost.',
  ].join(' '),
  roles: ['admin', 'manager'],
  params: withPeriod({
    granularity: Granularity.default('quarter'),
    department: departmentField,
    course: courseField,
  }),
  example: { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter' },
  tables: ['enrollments', 'completions', 'courses', 'people', 'departments'],
  sql: `
WITH subtree AS (
  SELECT department_id FROM departments
  WHERE department_id = :department OR contains(ancestor_ids, :department)
),
taken AS (
  SELECT e.course_id, CAST(date_trunc(:granularity, e.enrolled_at) AS DATE) AS period, count(*) AS seats
  FROM enrollments e
  WHERE e.enrolled_at >= CAST(:from AS TIMESTAMP)
    AND e.enrolled_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:department IS NULL OR e.user_id IN (
      SELECT p.user_id FROM people p WHERE p.department_id IN (SELECT department_id FROM subtree)))
  GROUP BY 1, 2
),
done AS (
  SELECT c.course_id, CAST(date_trunc(:granularity, c.completed_at) AS DATE) AS period, count(*) AS completions
  FROM completions c
  WHERE c.completed_at >= CAST(:from AS TIMESTAMP)
    AND c.completed_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:department IS NULL OR c.department_id IN (SELECT department_id FROM subtree))
  GROUP BY 1, 2
),
buckets AS (
  SELECT course_id, period FROM taken
  UNION
  SELECT course_id, period FROM done
),
seats_in_period AS (
  SELECT course_id, sum(seats) AS seats FROM taken GROUP BY course_id
),
figures AS (
  SELECT
    b.period,
    co.course_id,
    co.title AS course_title,
    co.cost_currency AS currency,
    coalesce(t.seats, 0) AS seats,
    coalesce(d.completions, 0) AS completions,
    CAST(coalesce(d.completions, 0) * coalesce(co.expected_minutes, co.duration_minutes) AS DOUBLE) / 60
      AS training_hours,
    CASE WHEN co.cost_currency IS NOT NULL THEN
      co.cost_per_seat * coalesce(t.seats, 0)
        + CASE WHEN coalesce(s.seats, 0) > 0
            THEN co.cost_fixed * coalesce(t.seats, 0) / s.seats ELSE 0 END
    END AS spend
  FROM buckets b
  JOIN courses co ON co.course_id = b.course_id
  LEFT JOIN taken t ON t.course_id = b.course_id AND t.period = b.period
  LEFT JOIN done d ON d.course_id = b.course_id AND d.period = b.period
  LEFT JOIN seats_in_period s ON s.course_id = b.course_id
  WHERE (:course IS NULL OR co.course_id = :course)
)
SELECT
  period,
  course_id,
  course_title,
  currency,
  seats,
  completions,
  round(training_hours, 2) AS training_hours,
  round(spend, 2) AS spend,
  CASE WHEN completions > 0 THEN round(spend / completions, 2) END AS cost_per_completion
FROM figures
ORDER BY period, course_title, course_id`,
  columns: [
    { name: 'period', title: 'Period', type: 'date' },
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'currency', title: 'Currency', type: 'string' },
    { name: 'seats', title: 'Seats', type: 'integer' },
    { name: 'completions', title: 'Completions', type: 'integer' },
    { name: 'training_hours', title: 'Training hours', type: 'number' },
    { name: 'spend', title: 'Spend', type: 'number' },
    { name: 'cost_per_completion', title: 'Cost per completion', type: 'number' },
  ],
  // Bars side by side per currency, never stacked: a stack would add amounts of different currencies.
  chart: {
    mark: 'bar',
    encoding: {
      x: { field: 'period', type: 'ordinal', timeUnit: 'yearmonth', title: 'Period' },
      xOffset: { field: 'currency', type: 'nominal' },
      y: { field: 'spend', type: 'quantitative', aggregate: 'sum', title: 'Spend' },
      color: { field: 'currency', type: 'nominal', title: 'Currency' },
    },
  },
});

/** Completion by course, department and period: how many people completed what, where, and when. */
import { defineReport } from '../definition.ts';
import { courseField, departmentField, Granularity, withPeriod } from '../params.ts';

export const completionReport = defineReport({
  name: 'completion',
  title: 'Completion by course, department and period',
  description:
    'Completions in the period per course and department, bucketed by month, quarter or year, with the average score. Imported historical completions count.',
  roles: ['admin', 'manager'],
  params: withPeriod({
    granularity: Granularity.default('month'),
    department: departmentField,
    course: courseField,
  }),
  example: { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter' },
  tables: ['completions', 'courses', 'departments'],
  sql: `
SELECT
  CAST(date_trunc(:granularity, c.completed_at) AS DATE) AS period,
  c.course_id,
  co.title AS course_title,
  c.department_id,
  d.name AS department_name,
  count(*) AS completions,
  avg(c.score) AS average_score
FROM completions c
JOIN courses co ON co.course_id = c.course_id
LEFT JOIN departments d ON d.department_id = c.department_id
WHERE c.completed_at >= CAST(:from AS TIMESTAMP)
  AND c.completed_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
  AND (:course IS NULL OR c.course_id = :course)
  AND (:department IS NULL OR c.department_id IN (
    SELECT department_id FROM departments
    WHERE department_id = :department OR contains(ancestor_ids, :department)))
GROUP BY 1, 2, 3, 4, 5
ORDER BY period, course_title, department_name`,
  columns: [
    { name: 'period', title: 'Period', type: 'date' },
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'department_id', title: 'Department id', type: 'string' },
    { name: 'department_name', title: 'Department', type: 'string' },
    { name: 'completions', title: 'Completions', type: 'integer' },
    { name: 'average_score', title: 'Average score', type: 'number' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      x: { field: 'period', type: 'temporal', title: 'Period' },
      y: { field: 'completions', type: 'quantitative', aggregate: 'sum', title: 'Completions' },
      color: { field: 'course_title', type: 'nominal', title: 'Course' },
    },
  },
});

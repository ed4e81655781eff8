/**
 * The enrollment funnel: of the people enrolled in the period, per course and department, how many started
 * and how many completed (so far: at the export). Started means any sign of learning: a status past
 * `enrolled`, time spent, a completion, or an attempt (an administrator's preview is not one).
 */
import { defineReport } from '../definition.ts';
import { courseField, departmentField, withPeriod } from '../params.ts';
import { IN_DEPARTMENT_SUBTREE_SQL } from './compliance.ts';

export const enrollmentFunnelReport = defineReport({
  name: 'enrollment-funnel',
  title: 'Enrollment funnel',
  description:
    'Enrollments made in the period, per course and department (the person’s), and how many of them started (any attempt, time spent or progress) and completed by the export, with the rates; withdrawn ones are counted apart. A manager sees their department subtree.',
  roles: ['admin', 'manager'],
  params: withPeriod({ department: departmentField, course: courseField }),
  example: { from: '2026-01-01', to: '2026-06-30' },
  tables: ['enrollments', 'people', 'departments', 'courses', 'attempts'],
  sql: `
WITH attempted AS (
  SELECT DISTINCT course_id, user_id FROM attempts WHERE NOT COALESCE(preview, FALSE)
),
cohort AS (
  SELECT
    e.course_id,
    p.department_id,
    e.completed_at IS NOT NULL AS completed,
    e.completed_at IS NOT NULL
      OR e.status IN ('in_progress', 'completed', 'failed')
      OR COALESCE(e.time_spent_seconds, 0) > 0
      OR a.user_id IS NOT NULL AS started,
    e.status = 'withdrawn' AS withdrawn
  FROM enrollments e
  JOIN people p ON p.user_id = e.user_id
  LEFT JOIN attempted a ON a.course_id = e.course_id AND a.user_id = e.user_id
  WHERE e.enrolled_at >= CAST(:from AS TIMESTAMP)
    AND e.enrolled_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:course IS NULL OR e.course_id = :course)
    AND ${IN_DEPARTMENT_SUBTREE_SQL}
)
SELECT
  f.course_id,
  co.title AS course_title,
  f.department_id,
  d.name AS department_name,
  count(*) AS enrolled,
  count_if(f.started) AS started,
  count_if(f.completed) AS completed,
  count_if(f.withdrawn) AS withdrawn,
  CAST(count_if(f.started) AS DOUBLE) / count(*) AS start_rate,
  CAST(count_if(f.completed) AS DOUBLE) / count(*) AS completion_rate
FROM cohort f
LEFT JOIN courses co ON co.course_id = f.course_id
LEFT JOIN departments d ON d.department_id = f.department_id
GROUP BY f.course_id, co.title, f.department_id, d.name
ORDER BY course_title, f.course_id, department_name NULLS LAST, f.department_id`,
  columns: [
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'department_id', title: 'Department id', type: 'string' },
    { name: 'department_name', title: 'Department', type: 'string' },
    { name: 'enrolled', title: 'Enrolled', type: 'integer' },
    { name: 'started', title: 'Started', type: 'integer' },
    { name: 'completed', title: 'Completed', type: 'integer' },
    { name: 'withdrawn', title: 'Withdrawn', type: 'integer' },
    { name: 'start_rate', title: 'Start rate', type: 'number' },
    { name: 'completion_rate', title: 'Completion rate', type: 'number' },
  ],
  chart: {
    mark: 'bar',
    transform: [{ fold: ['enrolled', 'started', 'completed'], as: ['stage', 'people'] }],
    encoding: {
      x: { field: 'stage', type: 'nominal', title: 'Stage', sort: ['enrolled', 'started', 'completed'] },
      y: { field: 'people', type: 'quantitative', aggregate: 'sum', title: 'People' },
      xOffset: { field: 'course_title', type: 'nominal' },
      color: { field: 'course_title', type: 'nominal', title: 'Course' },
    },
  },
});

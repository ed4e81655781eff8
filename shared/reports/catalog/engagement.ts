/**
 * Engagement: per course and SCO, how many people started it, how many attempts and how much time they spent,
 * how many completed it, and where people drop off (the last SCO they launched in the course, not completed).
 */
import { defineReport } from '../definition.ts';
import { courseField, departmentField, withPeriod } from '../params.ts';

export const engagementReport = defineReport({
  name: 'engagement',
  title: 'Engagement and drop-off by SCO',
  description:
    "Per course and SCO, for attempts launched in the period (previews excluded): people who started it, attempts, minutes spent, people who completed or passed it, those who did not, and those who dropped off there (the last SCO they launched in the course, not completed). An erased person's attempts still count, each as someone of their own.",
  roles: ['admin', 'manager'],
  params: withPeriod({ course: courseField, department: departmentField }),
  example: { from: '2026-01-01', to: '2026-06-30' },
  tables: ['attempts', 'courses', 'people', 'departments'],
  sql: `
WITH in_period AS (
  SELECT
    a.course_id,
    a.sco_id,
    -- An erased person's attempts keep no user id: each counts as someone of its own.
    coalesce(a.user_id, a.attempt_id) AS learner,
    a.launched_at,
    coalesce(a.total_seconds, 0) AS seconds,
    a.completion = 'completed' OR a.success = 'passed' AS finished
  FROM attempts a
  WHERE NOT a.preview
    AND a.launched_at >= CAST(:from AS TIMESTAMP)
    AND a.launched_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:course IS NULL OR a.course_id = :course)
    AND (:department IS NULL OR a.user_id IN (
      SELECT user_id FROM people WHERE department_id IN (
        SELECT department_id FROM departments
        WHERE department_id = :department OR contains(ancestor_ids, :department))))
),
launched AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY course_id, learner ORDER BY launched_at DESC) AS recency
  FROM in_period
),
per_learner AS (
  SELECT
    course_id,
    sco_id,
    learner,
    count(*) AS attempts,
    sum(seconds) AS seconds,
    max(CASE WHEN finished THEN 1 ELSE 0 END) AS finished,
    max(CASE WHEN recency = 1 THEN 1 ELSE 0 END) AS last_launched
  FROM launched
  GROUP BY course_id, sco_id, learner
)
SELECT
  p.course_id,
  c.title AS course_title,
  p.sco_id,
  count(*) AS started,
  sum(p.attempts) AS attempts,
  round(sum(p.seconds) / 60.0, 1) AS minutes_spent,
  round(avg(p.seconds) / 60.0, 1) AS average_minutes,
  count_if(p.finished = 1) AS completed,
  count_if(p.finished = 0) AS not_completed,
  count_if(p.finished = 0 AND p.last_launched = 1) AS dropped_off
FROM per_learner p
JOIN courses c ON c.course_id = p.course_id
GROUP BY p.course_id, c.title, p.sco_id
ORDER BY course_title, p.sco_id`,
  columns: [
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'sco_id', title: 'SCO', type: 'string' },
    { name: 'started', title: 'People who started it', type: 'integer' },
    { name: 'attempts', title: 'Attempts', type: 'integer' },
    { name: 'minutes_spent', title: 'Minutes spent', type: 'number' },
    { name: 'average_minutes', title: 'Average minutes per person', type: 'number' },
    { name: 'completed', title: 'Completed or passed', type: 'integer' },
    { name: 'not_completed', title: 'Not completed', type: 'integer' },
    { name: 'dropped_off', title: 'Dropped off here', type: 'integer' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      y: { field: 'sco_id', type: 'nominal', title: 'SCO', sort: null },
      x: { field: 'dropped_off', type: 'quantitative', title: 'Dropped off here' },
      color: { field: 'course_title', type: 'nominal', title: 'Course' },
    },
  },
});

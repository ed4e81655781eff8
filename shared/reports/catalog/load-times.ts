/**
 * Course load times: the median and 95th percentile of how long a course's content took to load in the
 * player (attempts' `load_ms`), per course, slowest first. Percentiles are nearest-rank, from window
 * functions: `approx_percentile` is Athena's only and `quantile_cont` DuckDB's only.
 */
import * as z from 'zod';
import { defineReport } from '../definition.ts';
import { courseField, withPeriod } from '../params.ts';

export const loadTimesReport = defineReport({
  name: 'load-times',
  title: 'Course load times (p50, p95)',
  description:
    'Per course, for launches in the period that reported a load time (previews excluded): launches, the median (p50), 95th percentile (p95) and slowest load time in milliseconds, slowest p95 first. Percentiles are nearest-rank: the smallest load time at least that share of launches did not exceed.',
  roles: ['admin'],
  params: withPeriod({
    course: courseField,
    minLaunches: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .describe('Only courses with at least this many launches (fewer make a noisy p95)'),
  }),
  example: { from: '2026-01-01', to: '2026-06-30', minLaunches: 5 },
  tables: ['attempts', 'courses'],
  sql: `
WITH loads AS (
  SELECT
    a.course_id,
    a.load_ms,
    cume_dist() OVER (PARTITION BY a.course_id ORDER BY a.load_ms) AS share
  FROM attempts a
  WHERE NOT a.preview
    AND a.load_ms IS NOT NULL
    AND a.launched_at >= CAST(:from AS TIMESTAMP)
    AND a.launched_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:course IS NULL OR a.course_id = :course)
)
SELECT
  l.course_id,
  c.title AS course_title,
  count(*) AS launches,
  min(CASE WHEN l.share >= 0.5 THEN l.load_ms END) AS p50_ms,
  min(CASE WHEN l.share >= 0.95 THEN l.load_ms END) AS p95_ms,
  max(l.load_ms) AS max_ms
FROM loads l
JOIN courses c ON c.course_id = l.course_id
GROUP BY l.course_id, c.title
HAVING count(*) >= :minLaunches
ORDER BY p95_ms DESC, course_title`,
  columns: [
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'launches', title: 'Launches', type: 'integer' },
    { name: 'p50_ms', title: 'Median load (ms)', type: 'integer' },
    { name: 'p95_ms', title: '95th percentile load (ms)', type: 'integer' },
    { name: 'max_ms', title: 'Slowest load (ms)', type: 'integer' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      y: { field: 'course_title', type: 'nominal', title: 'Course', sort: '-x' },
      x: { field: 'p95_ms', type: 'quantitative', title: '95th percentile load (ms)' },
    },
  },
});

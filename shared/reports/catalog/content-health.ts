/**
 * Content health, per course: the accessibility findings of the version learners get, how many versions it
 * has had, whether its review is overdue or due soon, and whether its content has gone stale. "Today" is the
 * `asOf` day (the engine binds the export's time when the caller leaves it out: `withExportTime`), so the answer is a function
 * of the data and the parameters only.
 */
import * as z from 'zod';
import { IsoDate } from '../../domain/common.ts';
import { defineReport } from '../definition.ts';

const days = (fallback: number, description: string) =>
  z.coerce.number().int().min(0).max(3650).default(fallback).describe(description);

export const contentHealthReport = defineReport({
  name: 'content-health',
  title: 'Content health',
  description:
    "Per course (archived ones on request): the current content version's accessibility violations and status (blocking, violations, clean), the number of content versions, the review date and whether the review is overdue, due within the given days or ok (none without a review date), when its content was last imported and whether that is longer ago than the stale threshold.",
  roles: ['admin'],
  params: z.strictObject({
    asOf: IsoDate.optional().describe("The day to judge from; the export's day when left out"),
    reviewWithinDays: days(30, 'A review is due when its date is at most this many days after asOf'),
    staleAfterDays: days(365, 'Content is stale when last imported more than this many days before asOf'),
    includeArchived: z.boolean().default(false).describe('Also list archived courses'),
  }),
  example: { asOf: '2026-06-30', reviewWithinDays: 30, staleAfterDays: 365 },
  tables: ['courses', 'content_versions'],
  sql: `
WITH versions AS (
  SELECT course_id, count(*) AS versions, max(imported_at) AS content_updated_at
  FROM content_versions
  GROUP BY course_id
)
SELECT
  c.course_id,
  c.title AS course_title,
  c.status,
  c.current_content_version AS current_version,
  cv.standard,
  cv.accessibility_violations,
  cv.accessibility_critical,
  cv.accessibility_serious,
  cv.accessibility_status,
  coalesce(v.versions, 0) AS versions,
  c.review_by,
  CASE
    WHEN c.review_by IS NULL THEN 'none'
    WHEN CAST(substr(:asOf, 1, 10) AS DATE) IS NULL THEN NULL
    WHEN c.review_by < CAST(substr(:asOf, 1, 10) AS DATE) THEN 'overdue'
    WHEN date_diff('day', CAST(substr(:asOf, 1, 10) AS DATE), c.review_by) <= :reviewWithinDays THEN 'due'
    ELSE 'ok'
  END AS review_status,
  v.content_updated_at,
  date_diff('day', CAST(v.content_updated_at AS DATE), CAST(substr(:asOf, 1, 10) AS DATE)) AS days_since_content_update,
  date_diff('day', CAST(v.content_updated_at AS DATE), CAST(substr(:asOf, 1, 10) AS DATE)) > :staleAfterDays AS stale
FROM courses c
LEFT JOIN content_versions cv ON cv.course_id = c.course_id AND cv.version = c.current_content_version
LEFT JOIN versions v ON v.course_id = c.course_id
WHERE (:includeArchived OR c.status <> 'archived')
ORDER BY course_title, c.course_id`,
  columns: [
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'status', title: 'Status', type: 'string' },
    { name: 'current_version', title: 'Current version', type: 'integer' },
    { name: 'standard', title: 'Standard', type: 'string' },
    { name: 'accessibility_violations', title: 'Accessibility violations', type: 'integer' },
    { name: 'accessibility_critical', title: 'Critical', type: 'integer' },
    { name: 'accessibility_serious', title: 'Serious', type: 'integer' },
    { name: 'accessibility_status', title: 'Accessibility', type: 'string' },
    { name: 'versions', title: 'Versions', type: 'integer' },
    { name: 'review_by', title: 'Review by', type: 'date' },
    { name: 'review_status', title: 'Review', type: 'string' },
    { name: 'content_updated_at', title: 'Content last imported', type: 'timestamp' },
    { name: 'days_since_content_update', title: 'Days since', type: 'integer' },
    { name: 'stale', title: 'Stale', type: 'boolean' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      y: { field: 'course_title', type: 'nominal', title: 'Course', sort: '-x' },
      x: { field: 'accessibility_violations', type: 'quantitative', title: 'Accessibility violations' },
      color: { field: 'review_status', type: 'nominal', title: 'Review' },
    },
  },
});

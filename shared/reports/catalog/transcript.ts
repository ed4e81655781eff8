/**
 * A learner's transcript: every enrollment of one person, with its status, dates, score, time spent, the
 * certification's expiry and, for a required one, where it stands for compliance. A learner's scope is
 * themselves: asking for someone else answers no rows (the runs API refuses it before that).
 */
import * as z from 'zod';
import { Id } from '../../domain/common.ts';
import { defineReport } from '../definition.ts';
import { AS_OF_SQL, asOfField } from '../params.ts';
import { COMPLIANCE_STATUS_SQL, REQUIRED_ENROLLMENT_SQL } from './compliance.ts';

export const transcriptReport = defineReport({
  name: 'transcript',
  title: "A learner's transcript",
  description:
    'Every enrollment of one person (`person`: their user id): status, enrolled, due, completed, score, time spent, certification expiry, compliance status where the enrollment is required, and whether the completion was imported from another system. Learners may run it for themselves.',
  roles: ['admin', 'manager', 'learner'],
  params: z.strictObject({ person: Id.describe("The learner's user id"), asOf: asOfField }),
  example: { person: '00000000-0000-4000-8000-0000000000a1' },
  tables: ['enrollments', 'completions', 'courses'],
  sql: `
WITH as_of AS (SELECT ${AS_OF_SQL} AS at)
SELECT
  e.course_id,
  co.code AS course_code,
  co.title AS course_title,
  e.status,
  e.enrolled_at,
  e.due_at,
  e.completed_at,
  e.score,
  round(e.time_spent_seconds / 60.0, 1) AS time_spent_minutes,
  e.expires_at,
  CASE WHEN ${REQUIRED_ENROLLMENT_SQL} THEN ${COMPLIANCE_STATUS_SQL} END AS compliance,
  COALESCE(c.imported, FALSE) AS imported,
  c.source_system
FROM enrollments e
CROSS JOIN as_of
LEFT JOIN courses co ON co.course_id = e.course_id
LEFT JOIN completions c ON c.course_id = e.course_id AND c.user_id = e.user_id
WHERE e.user_id = :person
ORDER BY e.enrolled_at, course_title, e.course_id`,
  columns: [
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_code', title: 'Code', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'status', title: 'Status', type: 'string' },
    { name: 'enrolled_at', title: 'Enrolled', type: 'timestamp' },
    { name: 'due_at', title: 'Due', type: 'timestamp' },
    { name: 'completed_at', title: 'Completed', type: 'timestamp' },
    { name: 'score', title: 'Score', type: 'number' },
    { name: 'time_spent_minutes', title: 'Time spent (minutes)', type: 'number' },
    { name: 'expires_at', title: 'Certification expires', type: 'timestamp' },
    { name: 'compliance', title: 'Compliance', type: 'string' },
    { name: 'imported', title: 'Imported', type: 'boolean' },
    { name: 'source_system', title: 'Imported from', type: 'string' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      y: { field: 'course_title', type: 'nominal', title: 'Course', sort: '-x' },
      x: { field: 'time_spent_minutes', type: 'quantitative', title: 'Time spent (minutes)' },
      color: { field: 'status', type: 'nominal', title: 'Status' },
    },
  },
});

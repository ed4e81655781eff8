/**
 * Compliance by department, organisation-wide: the required enrollments (a due date or a certification) of
 * each department's people, per course, counted by where they stand. The statuses mean exactly what the live
 * compliance page (`GET /compliance`, `complianceStatus` in `shared/domain/enrollment.ts`) means, judged at
 * `asOf` (default: the export's time) instead of now, so reconciliation can compare the two.
 */
import * as z from 'zod';
import { defineReport } from '../definition.ts';
import { AS_OF_SQL, asOfField, courseField, departmentField } from '../params.ts';

/**
 * `complianceStatus` in SQL, for an enrollment `e` judged at `as_of.at`: expired (lapsed, or completed with a
 * certification past its expiry), compliant (completed and valid), overdue (past due), else pending.
 */
export const COMPLIANCE_STATUS_SQL = `CASE
    WHEN e.status = 'expired' THEN 'expired'
    WHEN e.status = 'completed' AND e.expires_at IS NOT NULL AND e.expires_at <= as_of.at THEN 'expired'
    WHEN e.status = 'completed' THEN 'compliant'
    WHEN e.expires_at IS NOT NULL AND e.expires_at <= as_of.at THEN 'expired'
    WHEN e.due_at IS NOT NULL AND e.due_at < as_of.at THEN 'overdue'
    ELSE 'pending'
  END`;

/** The enrollments the compliance page lists: not withdrawn, with a due date or a certification. */
export const REQUIRED_ENROLLMENT_SQL = `e.status <> 'withdrawn' AND (e.due_at IS NOT NULL OR e.expires_at IS NOT NULL)`;

/** The person's department is `:department` or under it (absent: everyone, those without one included). */
export const IN_DEPARTMENT_SUBTREE_SQL = `(:department IS NULL OR p.department_id IN (
    SELECT department_id FROM departments
    WHERE department_id = :department OR contains(ancestor_ids, :department)))`;

export const complianceReport = defineReport({
  name: 'compliance',
  title: 'Compliance by department',
  description:
    "Required enrollments (with a due date or a certification) of each department's people, per course: how many are compliant, pending, overdue and expired, as the compliance page counts them, judged at the export's time (or `asOf`). A manager sees their department subtree.",
  roles: ['admin', 'manager'],
  params: z.strictObject({ department: departmentField, course: courseField, asOf: asOfField }),
  example: { department: '00000000-0000-4000-8000-00000000d001' },
  tables: ['enrollments', 'people', 'departments', 'courses'],
  sql: `
WITH as_of AS (SELECT ${AS_OF_SQL} AS at),
required AS (
  SELECT p.department_id, e.course_id, ${COMPLIANCE_STATUS_SQL} AS compliance
  FROM enrollments e
  JOIN people p ON p.user_id = e.user_id
  CROSS JOIN as_of
  WHERE ${REQUIRED_ENROLLMENT_SQL}
    AND (:course IS NULL OR e.course_id = :course)
    AND ${IN_DEPARTMENT_SUBTREE_SQL}
)
SELECT
  r.department_id,
  d.name AS department_name,
  r.course_id,
  co.title AS course_title,
  count(*) AS required,
  count_if(r.compliance = 'compliant') AS compliant,
  count_if(r.compliance = 'pending') AS pending,
  count_if(r.compliance = 'overdue') AS overdue,
  count_if(r.compliance = 'expired') AS expired,
  CAST(count_if(r.compliance = 'compliant') AS DOUBLE) / count(*) AS compliance_rate
FROM required r
LEFT JOIN departments d ON d.department_id = r.department_id
LEFT JOIN courses co ON co.course_id = r.course_id
GROUP BY r.department_id, d.name, r.course_id, co.title
ORDER BY department_name NULLS LAST, r.department_id, course_title, r.course_id`,
  columns: [
    { name: 'department_id', title: 'Department id', type: 'string' },
    { name: 'department_name', title: 'Department', type: 'string' },
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'required', title: 'Required', type: 'integer' },
    { name: 'compliant', title: 'Compliant', type: 'integer' },
    { name: 'pending', title: 'Pending', type: 'integer' },
    { name: 'overdue', title: 'Overdue', type: 'integer' },
    { name: 'expired', title: 'Expired', type: 'integer' },
    { name: 'compliance_rate', title: 'Compliance rate', type: 'number' },
  ],
  chart: {
    mark: 'bar',
    transform: [{ fold: ['compliant', 'pending', 'overdue', 'expired'], as: ['compliance', 'enrollments'] }],
    encoding: {
      y: { field: 'department_name', type: 'nominal', title: 'Department' },
      x: { field: 'enrollments', type: 'quantitative', aggregate: 'sum', title: 'Required enrollments' },
      color: {
        field: 'compliance',
        type: 'nominal',
        title: 'Status',
        sort: ['compliant', 'pending', 'overdue', 'expired'],
        scale: {
          domain: ['compliant', 'pending', 'overdue', 'expired'],
          range: ['#2e7d32', '#9e9e9e', '#ef6c00', '#c62828'],
        },
      },
    },
  },
});

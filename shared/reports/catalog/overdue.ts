/**
 * Overdue people with their managers: each required enrollment the compliance report counts as overdue, with
 * whom to chase. The manager is the person's own (`people.manager_id`); without one, their department's
 * manager (unless that is the person themselves), then the parent department's.
 */
import * as z from 'zod';
import { defineReport } from '../definition.ts';
import { AS_OF_SQL, asOfField, courseField, departmentField } from '../params.ts';
import { COMPLIANCE_STATUS_SQL, IN_DEPARTMENT_SUBTREE_SQL, REQUIRED_ENROLLMENT_SQL } from './compliance.ts';

export const overdueReport = defineReport({
  name: 'overdue',
  title: 'Overdue people and their managers',
  description:
    "Everyone past a due date without a completion (the compliance report's overdue), with the course, the due date, the days overdue at the export's time (or `asOf`), and the person's manager (their own, else their department's, else the parent department's) with name and email. A manager sees their department subtree.",
  roles: ['admin', 'manager'],
  params: z.strictObject({ department: departmentField, course: courseField, asOf: asOfField }),
  example: { course: '00000000-0000-4000-8000-00000000c001' },
  tables: ['enrollments', 'people', 'departments', 'courses'],
  sql: `
WITH as_of AS (SELECT ${AS_OF_SQL} AS at),
overdue AS (
  SELECT
    e.user_id,
    e.course_id,
    e.due_at,
    date_diff('day', CAST(e.due_at AS DATE), CAST(as_of.at AS DATE)) AS days_overdue,
    p.given_name,
    p.family_name,
    p.email,
    p.department_id,
    d.name AS department_name,
    -- Whom to chase: the person's manager, else the department's (not themselves), else the parent's.
    COALESCE(
      p.manager_id,
      CASE WHEN d.manager_id <> p.user_id THEN d.manager_id END,
      CASE WHEN pd.manager_id <> p.user_id THEN pd.manager_id END
    ) AS manager_id,
    CASE
      WHEN p.manager_id IS NOT NULL THEN 'person'
      WHEN d.manager_id <> p.user_id THEN 'department'
      WHEN pd.manager_id <> p.user_id THEN 'parent department'
    END AS manager_from
  FROM enrollments e
  JOIN people p ON p.user_id = e.user_id
  CROSS JOIN as_of
  LEFT JOIN departments d ON d.department_id = p.department_id
  LEFT JOIN departments pd ON pd.department_id = d.parent_id
  WHERE ${REQUIRED_ENROLLMENT_SQL}
    AND ${COMPLIANCE_STATUS_SQL} = 'overdue'
    AND (:course IS NULL OR e.course_id = :course)
    AND ${IN_DEPARTMENT_SUBTREE_SQL}
)
SELECT
  o.user_id,
  trim(concat(COALESCE(o.given_name, ''), ' ', COALESCE(o.family_name, ''))) AS person_name,
  o.email,
  o.department_id,
  o.department_name,
  o.course_id,
  co.title AS course_title,
  o.due_at,
  o.days_overdue,
  o.manager_id,
  CASE WHEN m.user_id IS NOT NULL
    THEN trim(concat(COALESCE(m.given_name, ''), ' ', COALESCE(m.family_name, ''))) END AS manager_name,
  m.email AS manager_email,
  o.manager_from
FROM overdue o
LEFT JOIN courses co ON co.course_id = o.course_id
-- A manager outside the caller's scope is named by id only: the scoped people do not hold them.
LEFT JOIN people m ON m.user_id = o.manager_id
ORDER BY o.days_overdue DESC, o.department_name NULLS LAST, person_name, course_title, o.user_id, o.course_id`,
  columns: [
    { name: 'user_id', title: 'Person id', type: 'string' },
    { name: 'person_name', title: 'Person', type: 'string' },
    { name: 'email', title: 'Email', type: 'string' },
    { name: 'department_id', title: 'Department id', type: 'string' },
    { name: 'department_name', title: 'Department', type: 'string' },
    { name: 'course_id', title: 'Course id', type: 'string' },
    { name: 'course_title', title: 'Course', type: 'string' },
    { name: 'due_at', title: 'Due', type: 'timestamp' },
    { name: 'days_overdue', title: 'Days overdue', type: 'integer' },
    { name: 'manager_id', title: 'Manager id', type: 'string' },
    { name: 'manager_name', title: 'Manager', type: 'string' },
    { name: 'manager_email', title: 'Manager email', type: 'string' },
    { name: 'manager_from', title: 'Manager from', type: 'string' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      y: { field: 'manager_name', type: 'nominal', title: 'Manager', sort: '-x' },
      x: { aggregate: 'count', type: 'quantitative', title: 'Overdue enrollments' },
      color: { field: 'course_title', type: 'nominal', title: 'Course' },
    },
  },
});

/**
 * Sign-in activity and refused sign-ins, by day: how many sign-ins succeeded (and by how many people), and
 * each person the LMS refused, with why. Administrators only: it names people who could not sign in. The
 * history holds 90 days, and only what reaches the LMS: Cognito's own refusals (a wrong password) do not.
 */
import * as z from 'zod';
import { defineReport } from '../definition.ts';
import { withPeriod } from '../params.ts';

export const signInsReport = defineReport({
  name: 'sign-ins',
  title: 'Sign-in activity and refused sign-ins',
  description:
    'Per day of the period (the history keeps 90 days): sign-ins that succeeded by method, with how many people; and refused sign-ins by reason and method, one row per person refused, named. Refusals are those the LMS makes (a suspended profile); a wrong password is refused by Cognito and never reaches the LMS.',
  roles: ['admin'],
  params: withPeriod({
    outcome: z.enum(['succeeded', 'refused']).optional().describe('Only sign-ins with this outcome'),
  }),
  example: { from: '2026-06-01', to: '2026-06-30', outcome: 'refused' },
  tables: ['sign_ins', 'people'],
  sql: `
WITH in_period AS (
  -- "at" quoted: a keyword in DuckDB (AT TIME ZONE).
  SELECT user_id, CAST(date_trunc('day', "at") AS DATE) AS day, outcome, reason, method
  FROM sign_ins
  WHERE "at" >= CAST(:from AS TIMESTAMP)
    AND "at" < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
    AND (:outcome IS NULL OR outcome = :outcome)
)
SELECT
  day,
  outcome,
  reason,
  method,
  CAST(NULL AS VARCHAR) AS user_id,
  CAST(NULL AS VARCHAR) AS person_name,
  count(*) AS sign_ins,
  count(DISTINCT user_id) AS people
FROM in_period
WHERE outcome = 'succeeded'
GROUP BY day, outcome, reason, method
UNION ALL
SELECT
  s.day,
  s.outcome,
  s.reason,
  s.method,
  s.user_id,
  p.given_name || ' ' || p.family_name,
  count(*),
  count(DISTINCT s.user_id)
FROM in_period s
LEFT JOIN people p ON p.user_id = s.user_id
WHERE s.outcome = 'refused'
GROUP BY s.day, s.outcome, s.reason, s.method, s.user_id, p.given_name, p.family_name
ORDER BY day, outcome DESC, reason, method, person_name`,
  columns: [
    { name: 'day', title: 'Day', type: 'date' },
    { name: 'outcome', title: 'Outcome', type: 'string' },
    { name: 'reason', title: 'Reason refused', type: 'string' },
    { name: 'method', title: 'Method', type: 'string' },
    { name: 'user_id', title: 'Person refused (id)', type: 'string' },
    { name: 'person_name', title: 'Person refused', type: 'string' },
    { name: 'sign_ins', title: 'Sign-ins', type: 'integer' },
    { name: 'people', title: 'People', type: 'integer' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      x: { field: 'day', type: 'temporal', timeUnit: 'yearmonthdate', title: 'Day' },
      y: { field: 'sign_ins', type: 'quantitative', aggregate: 'sum', title: 'Sign-ins' },
      color: { field: 'outcome', type: 'nominal', title: 'Outcome' },
    },
  },
});

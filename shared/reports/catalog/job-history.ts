/**
 * Import and job history: every job run (package imports, scheduled jobs, backups, exports, report runs) and
 * every import of people, enrollments, courses or completions requested in the period, with who asked, how
 * long it took, what it counted and why it failed. Administrators only (it reads `jobs` and `imports`).
 */
import * as z from 'zod';
import { JOB_KINDS } from '../../domain/job.ts';
import { defineReport } from '../definition.ts';
import { withPeriod } from '../params.ts';

export const jobHistoryReport = defineReport({
  name: 'job-history',
  title: 'Import and job history',
  description:
    "Job runs and imports requested in the period, newest first: kind (`import` for imports, with their type), status, who requested it (a person's id and name, or the scheduled job's name), when it ended and how long it took (a job from its start; an import from its request, upload and approval included, once applied, undone or failed), items or rows it went through, errors, warnings and the failure's code.",
  roles: ['admin'],
  params: withPeriod({
    kind: z
      .enum([...JOB_KINDS, 'import'])
      .optional()
      .describe('Only runs of this kind (`import`: the imports)'),
    failedOnly: z.boolean().default(false).describe('Only runs that failed'),
  }),
  example: { from: '2026-06-01', to: '2026-06-30', failedOnly: true },
  tables: ['jobs', 'imports', 'people'],
  sql: `
WITH runs AS (
  SELECT
    job_id AS run_id,
    kind,
    CAST(NULL AS VARCHAR) AS type,
    status,
    created_by,
    created_at,
    finished_at,
    date_diff('second', started_at, finished_at) AS duration_seconds,
    items,
    errors,
    warnings,
    failure_code
  FROM jobs
  UNION ALL
  SELECT
    import_id,
    'import',
    type,
    status,
    created_by,
    created_at,
    CASE WHEN status IN ('applied', 'undone', 'failed') THEN updated_at END,
    CASE WHEN status IN ('applied', 'undone', 'failed') THEN date_diff('second', created_at, updated_at) END,
    rows_read,
    errors,
    warnings,
    failure_code
  FROM imports
)
SELECT
  r.run_id,
  r.kind,
  r.type,
  r.status,
  r.created_by AS requested_by,
  p.given_name || ' ' || p.family_name AS requested_by_name,
  r.created_at,
  r.finished_at,
  r.duration_seconds,
  r.items,
  r.errors,
  r.warnings,
  r.failure_code
FROM runs r
LEFT JOIN people p ON p.user_id = r.created_by
WHERE r.created_at >= CAST(:from AS TIMESTAMP)
  AND r.created_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
  AND (:kind IS NULL OR r.kind = :kind)
  AND (NOT :failedOnly OR r.status = 'failed')
ORDER BY r.created_at DESC, r.run_id`,
  columns: [
    { name: 'run_id', title: 'Job or import id', type: 'string' },
    { name: 'kind', title: 'Kind', type: 'string' },
    { name: 'type', title: 'Import type', type: 'string' },
    { name: 'status', title: 'Status', type: 'string' },
    { name: 'requested_by', title: 'Requested by (id)', type: 'string' },
    { name: 'requested_by_name', title: 'Requested by', type: 'string' },
    { name: 'created_at', title: 'Requested at', type: 'timestamp' },
    { name: 'finished_at', title: 'Ended at', type: 'timestamp' },
    { name: 'duration_seconds', title: 'Duration (s)', type: 'integer' },
    { name: 'items', title: 'Items or rows', type: 'integer' },
    { name: 'errors', title: 'Errors', type: 'integer' },
    { name: 'warnings', title: 'Warnings', type: 'integer' },
    { name: 'failure_code', title: 'Failure', type: 'string' },
  ],
  chart: {
    mark: 'bar',
    encoding: {
      x: { field: 'kind', type: 'nominal', title: 'Kind' },
      y: { aggregate: 'count', type: 'quantitative', title: 'Runs' },
      color: { field: 'status', type: 'nominal', title: 'Status' },
    },
  },
});

/**
 * Report runs: the catalog the caller may run, a run requested (a `report` job the reports worker runs over
 * the newest analytics export), then its status and rows, its CSV and its chart. Learners run the reports
 * about themselves (their transcript); the use case checks each report's own roles.
 */
import * as z from 'zod';
import { IsoDateTime } from '../domain/common.ts';
import { Job, JobIdParams } from '../domain/job.ts';
import { defineRoute, type RouteAccess } from '../http/route.ts';
import { ReportRunQuery, ReportRunRequest, ReportRunView, ReportSummary } from '../reports/run.ts';

const TAG = 'Reports';
const ACCESS: RouteAccess = { roles: ['admin', 'manager', 'learner'], scopes: ['lms/reports.read'] };
/** A run's files: its rows and CSV under reports/ of the analytics bucket. */
const READ_RUN = { table: 'read', buckets: { analytics: { access: 'read', prefix: 'reports/' } } } as const;

export const ReportNameParams = z.strictObject({
  name: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9-]*$/, 'a report name from GET /reports'),
});

export const listReports = defineRoute({
  id: 'listReports',
  method: 'GET',
  path: '/reports',
  handler: 'functions/reports/list-reports.ts',
  summary:
    'The report catalog the caller may run: each report with its parameters (JSON Schema), an example and its columns',
  tag: TAG,
  access: ACCESS,
  request: {},
  response: {
    status: 200,
    description: 'The reports you may run',
    body: z.object({ items: z.array(ReportSummary) }),
  },
  needs: {},
});

export const createReportRun = defineRoute({
  id: 'createReportRun',
  method: 'POST',
  path: '/reports/{name}/runs',
  handler: 'functions/reports/create-report-run.ts',
  summary:
    "Run a report over the newest analytics export, in the background: a manager's run covers their department subtree, a learner's themselves. 409 before any export, or while an identical run (same report, requester and parameters) is under way; 422 when the report's tables exceed the scan cutoff",
  tag: TAG,
  access: ACCESS,
  request: { params: ReportNameParams, body: ReportRunRequest },
  response: { status: 202, description: 'The run, queued: follow it with GET /reports/runs/{id}', body: Job },
  // Reads the newest export's manifest; records the run (its lock, its audit record) and hands it over.
  needs: {
    table: 'write',
    buckets: { analytics: { access: 'read', prefix: '_manifests/' } },
    queues: { reports: 'send' },
  },
});

export const getReportRun = defineRoute({
  id: 'getReportRun',
  method: 'GET',
  path: '/reports/runs/{id}',
  handler: 'functions/reports/get-report-run.ts',
  summary:
    'A report run (its requester or an admin): its status, then a page of its rows, its columns, the export it reads (freshness) and its CSV and chart links',
  tag: TAG,
  access: ACCESS,
  request: { params: JobIdParams, query: ReportRunQuery },
  response: { status: 200, description: 'The run', body: ReportRunView },
  needs: READ_RUN,
});

export const getReportRunCsv = defineRoute({
  id: 'getReportRunCsv',
  method: 'GET',
  path: '/reports/runs/{id}/report.csv',
  handler: 'functions/reports/get-report-run-csv.ts',
  summary:
    "A succeeded run's rows as CSV (text/csv, an attachment; cells that could run as formulas are neutralised): a redirect to a short-lived download",
  tag: TAG,
  access: ACCESS,
  request: { params: JobIdParams },
  response: {
    status: 303,
    description: 'See the Location header (also in the body)',
    body: z.object({ url: z.string(), expiresAt: IsoDateTime, rows: z.number().int() }),
  },
  needs: READ_RUN,
});

export const getReportRunChart = defineRoute({
  id: 'getReportRunChart',
  method: 'GET',
  path: '/reports/runs/{id}/chart.svg',
  handler: 'functions/reports/get-report-run-chart.ts',
  summary: "A succeeded run's chart, drawn on the server from the report's chart and the run's rows",
  tag: TAG,
  access: ACCESS,
  request: { params: JobIdParams },
  response: { status: 200, description: 'The chart (image/svg+xml)' },
  needs: READ_RUN,
  timeoutSeconds: 20,
});

export const reportRoutes = [
  listReports,
  createReportRun,
  getReportRun,
  getReportRunCsv,
  getReportRunChart,
] as const;

/**
 * Report runs: a report of the catalog run over the newest analytics export, as a job.
 * Requesting one (`requestReportRun`, for `POST /reports/{name}/runs` and scheduled delivery):
 * 1. the report exists (404) and the caller may run it (403);
 * 2. its parameters pass its schema (400 naming `body.params.<field>`);
 * 3. the caller's scope is resolved from who they are, never from the request, and a department or person
 *    the parameters name must be in it (403);
 * 4. an export exists (409: run `POST /exports`) and the report's tables in it are within the scan cutoff
 *    (422, nothing started);
 * 5. the run is queued as a `report` job holding a lock of its own (report, requester, parameters): runs of
 *    other reports, people or parameters go on at once, an identical one is a 409 naming it.
 * The worker (`runReportRun`) runs the engine and writes the rows (JSON) and the CSV to the analytics bucket
 * under `reports/<run id>/`; reading a run (`readReportRun`, the CSV, the chart) is for its requester or an
 * admin.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, InvalidInputError, NotFoundError, OutOfScopeError } from '../domain/errors.ts';
import type { Job } from '../domain/job.ts';
import { type Actor, actorId, type Principal } from '../domain/principal.ts';
import { findReport, REPORTS } from '../reports/catalog.ts';
import { reportChartSvg } from '../reports/chart.ts';
import { reportCsv } from '../reports/csv.ts';
import type { ReportDefinition } from '../reports/definition.ts';
import type { ExportSnapshot, ReportEngine, ReportOutcome } from '../reports/engine.ts';
import {
  REPORT_MAX_ROWS,
  ReportScanLimitError,
  ReportTooManyRowsError,
  reportMaxScanBytes,
} from '../reports/limits.ts';
import { ReportRunInput, ReportRunRequest, type ReportRunView, type ReportSummary } from '../reports/run.ts';
import type { ReportScope } from '../reports/sql.ts';
import { accessScope, canSeeDepartment, canSeeUser, outOfScope, type ScopeDeps } from './access-scope.ts';
import {
  type JobRunOutcome,
  type JobRunPorts,
  type JobRunProgress,
  type RunQueue,
  requestJobRun,
} from './job-runs.ts';
import type { JobRepository, UserRepository } from './ports.ts';

/** A run's files in the analytics bucket. */
export interface ReportRunFiles {
  putRows(key: string, rows: ReportOutcome['rows']): Promise<void>;
  /** Stores the CSV as a download (`attachment; filename=<filename>`). */
  putCsv(key: string, csv: string, filename: string): Promise<void>;
  getRows(key: string): Promise<ReportOutcome['rows']>;
  /** A short-lived link to download `key`. */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

export interface ReportRequestPorts extends JobRunPorts {
  readonly queue: RunQueue;
  readonly departments: ScopeDeps['departments'];
  readonly users: Pick<UserRepository, 'get'>;
  /** The newest succeeded export (null: none yet). See `shared/reports/snapshot.ts`. */
  readonly latestExport: () => Promise<ExportSnapshot | null>;
}

export interface ReportWorkerPorts extends JobRunPorts {
  readonly engine: ReportEngine;
  readonly latestExport: () => Promise<ExportSnapshot | null>;
  readonly files: Pick<ReportRunFiles, 'putRows' | 'putCsv'>;
}

export interface ReportReadPorts {
  readonly jobs: Pick<JobRepository, 'get'>;
  readonly files: Pick<ReportRunFiles, 'getRows' | 'downloadUrl'>;
}

/** How long the CSV link of `GET /reports/runs/{id}/report.csv` works. */
const CSV_URL_SECONDS = 300;

/**
 * Who may run a report: a person holding one of its roles; a machine client (its `lms/reports.read` scope
 * checked at the route, organisation-wide) the reports that are not for administrators only.
 */
export function mayRun(principal: Principal, report: Pick<ReportDefinition, 'roles'>): boolean {
  if (principal.client) return report.roles.some((role) => role !== 'admin');
  return principal.roles.some((role) => report.roles.includes(role));
}

/** The catalog the caller may run, each report with its parameters as JSON Schema. */
export function listReports(principal: Principal): { items: z.input<typeof ReportSummary>[] } {
  return {
    items: REPORTS.filter((report) => mayRun(principal, report)).map((report) => ({
      name: report.name,
      title: report.title,
      description: report.description,
      roles: [...report.roles],
      params: z.toJSONSchema(report.params, { io: 'input', unrepresentable: 'any' }) as Record<
        string,
        unknown
      >,
      example: { ...report.example },
      columns: report.columns.map((column) => ({ ...column })),
    })),
  };
}

/** Requests a run of report `name` (see the steps above); `origin` names the schedule that asks, if one does. */
export async function requestReportRun(
  ports: ReportRequestPorts,
  principal: Principal,
  name: string,
  body: unknown,
  origin?: { scheduleId: string },
  requestId = origin ? `schedule:${origin.scheduleId}` : principal.sub,
): Promise<Job> {
  const report = findReport(name);
  if (!report) throw new NotFoundError('report', name);
  const request = ReportRunRequest.safeParse(body);
  if (!request.success) throw invalid('The run request is not valid', request.error, 'body');
  if (!mayRun(principal, report))
    throw new OutOfScopeError(
      `The report ${name} is for ${report.roles.join(', ')}: your roles do not include any of them.`,
    );
  const parsed = report.params.safeParse(request.data.params);
  if (!parsed.success) throw invalid(`The parameters of ${name} are not valid`, parsed.error, 'body.params');
  const params = parsed.data as Record<string, unknown>;

  const scope = await accessScope(principal, { departments: ports.departments });
  await assertParamsInScope(ports, scope, params);
  const snapshot = await ports.latestExport();
  if (!snapshot)
    throw new ConflictError(
      'No analytics export has succeeded yet: reports read the export. Run POST /exports (or wait for the daily export), then ask again.',
    );
  const reportScope: ReportRunInput['scope'] =
    scope.kind === 'everything'
      ? { kind: 'everything' }
      : { kind: 'limited', departmentIds: [...scope.departmentIds].sort(), selfId: scope.selfId ?? null };
  assertWithinCutoff(report, reportScope, snapshot);

  const input: ReportRunInput = {
    report: name,
    params,
    format: request.data.format,
    scope: reportScope,
    requestedBy: actorId(principal),
    ...(origin ? { scheduleId: origin.scheduleId } : {}),
  };
  const actor: Actor = { principal, requestId };
  return requestJobRun(ports, actor, {
    type: 'report',
    lock: reportRunLock(input),
    target: () => `report:${name}`,
    input,
    audited: true,
  });
}

/**
 * The lock of a run: one per report, requester and parameters, so that only an identical run overlaps (its
 * scope follows from the requester; the format only changes how they take the same answer).
 */
export function reportRunLock(input: Pick<ReportRunInput, 'report' | 'requestedBy' | 'params'>): string {
  const identity = stableJson([input.report, input.requestedBy, input.params]);
  return `report:${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

/** Runs a queued report run: the engine over the newest export, then the rows and the CSV stored. */
export async function runReportRun(
  ports: ReportWorkerPorts,
  job: Job,
  run: JobRunProgress,
): Promise<JobRunOutcome> {
  const input = ReportRunInput.parse(job.input);
  const report = findReport(input.report);
  if (!report) throw new NotFoundError('report', input.report);
  const params = report.params.parse(input.params) as Record<string, unknown>;
  const snapshot = await ports.latestExport();
  if (!snapshot) throw new ConflictError('No analytics export has succeeded: run POST /exports first.');
  // The newest export may have grown since the request.
  assertWithinCutoff(report, input.scope, snapshot);

  await run.progress('querying', 0, 1);
  // A report that needs "today" declares `asOf`: the export's day unless the requester gave one.
  const asOf = params.asOf ?? snapshot.dt;
  const outcome = await ports.engine.run({
    report,
    params: { ...params, asOf },
    scope: input.scope,
    snapshot,
  });
  if (outcome.rows.length > REPORT_MAX_ROWS)
    throw new ReportTooManyRowsError(report.name, outcome.rows.length);

  await run.progress('writing', 1, 1, { rows: outcome.rows.length });
  const rowsKey = `reports/${job.id}/rows.json`;
  const csvKey = `reports/${job.id}/report.csv`;
  await ports.files.putRows(rowsKey, outcome.rows);
  run.output('rows', rowsKey);
  await ports.files.putCsv(csvKey, reportCsv(report.columns, outcome.rows), `${report.name}-${job.id}.csv`);
  run.output('csv', csvKey);
  return {
    result: {
      rows: outcome.rows.length,
      columns: report.columns.map((column) => column.name),
      exportedAt: snapshot.exportedAt,
      exportRunId: snapshot.runId,
      bytesScanned: outcome.bytesScanned,
      engine: outcome.engine,
    },
    counts: { rows: outcome.rows.length },
  };
}

/** A run with its status; once it succeeded, a page of its rows, its freshness and where its CSV is. */
export async function readReportRun(
  ports: ReportReadPorts,
  principal: Principal,
  id: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<ReportRunView> {
  const job = await ownRun(ports, principal, id);
  const input = ReportRunInput.parse(job.input);
  const report = findReport(input.report);
  const result = job.status === 'succeeded' ? RunResult.parse(job.result) : null;
  let rows: ReportOutcome['rows'] | null = null;
  let nextCursor: string | null = null;
  if (result && job.outputs.rows) {
    const offset = decodeRowCursor(page.cursor, job.id);
    const all = await ports.files.getRows(job.outputs.rows);
    rows = all.slice(offset, offset + page.limit);
    nextCursor = offset + page.limit < all.length ? encodeRowCursor(offset + page.limit, job.id) : null;
  }
  return {
    id: job.id,
    report: input.report,
    title: report?.title ?? input.report,
    status: job.status,
    format: input.format,
    params: input.params,
    requestedBy: input.requestedBy,
    scheduleId: input.scheduleId ?? null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    failure: job.failure,
    columns: report ? report.columns.map((column) => ({ ...column })) : [],
    rows,
    totalRows: result?.rows ?? null,
    nextCursor,
    freshness: result ? { exportedAt: result.exportedAt, exportRunId: result.exportRunId } : null,
    bytesScanned: result?.bytesScanned ?? null,
    engine: result?.engine ?? null,
    csv: result ? `/reports/runs/${job.id}/report.csv` : null,
    chart: result ? `/reports/runs/${job.id}/chart.svg` : null,
  };
}

/** A short-lived link to the run's CSV (a download: `text/csv`, an attachment). */
export async function reportRunCsv(
  ports: ReportReadPorts,
  principal: Principal,
  id: string,
): Promise<{ url: string; expiresAt: string; rows: number }> {
  const job = await finishedRun(ports, principal, id);
  const key = job.outputs.csv;
  if (!key) throw new ConflictError(`The run ${id} has no CSV.`);
  return {
    url: await ports.files.downloadUrl(key, CSV_URL_SECONDS),
    expiresAt: new Date(Date.now() + CSV_URL_SECONDS * 1000).toISOString(),
    rows: RunResult.parse(job.result).rows,
  };
}

/** The run's chart as SVG: the report's chart over the run's rows. */
export async function reportRunChart(
  ports: ReportReadPorts,
  principal: Principal,
  id: string,
): Promise<string> {
  const job = await finishedRun(ports, principal, id);
  const input = ReportRunInput.parse(job.input);
  const report = findReport(input.report);
  if (!report || !job.outputs.rows) throw new ConflictError(`The run ${id} has no rows to draw.`);
  return reportChartSvg(report, await ports.files.getRows(job.outputs.rows));
}

/** What a succeeded run's job records as its `result`. */
const RunResult = z.object({
  rows: z.number().int(),
  exportedAt: z.string(),
  exportRunId: z.string(),
  bytesScanned: z.number(),
  engine: z.enum(['athena', 'duckdb']),
});

/** A report run the caller may read: theirs, or any for an admin. Another's does not exist for them. */
async function ownRun(ports: ReportReadPorts, principal: Principal, id: string): Promise<Job> {
  const job = await ports.jobs.get(id);
  const mine = principal.roles.includes('admin') || job?.createdBy === actorId(principal);
  if (job?.type !== 'report' || !mine) throw new NotFoundError('report run', id);
  return job;
}

async function finishedRun(ports: ReportReadPorts, principal: Principal, id: string): Promise<Job> {
  const job = await ownRun(ports, principal, id);
  if (job.status !== 'succeeded')
    throw new ConflictError(
      `The run ${id} is ${job.status}${job.failure ? ` (${job.failure.message})` : ''}: its CSV and chart exist once it has succeeded.`,
    );
  return job;
}

/** A department or person the parameters name must be one the caller sees (a manager's subtree, a learner). */
export async function assertParamsInScope(
  ports: Pick<ReportRequestPorts, 'users'>,
  scope: Awaited<ReturnType<typeof accessScope>>,
  params: Record<string, unknown>,
): Promise<void> {
  if (scope.kind === 'everything') return;
  const { department, person } = params;
  if (typeof department === 'string' && !canSeeDepartment(scope, department)) {
    const refused = outOfScope('department', department);
    throw new OutOfScopeError(refused.message, [
      { path: 'body.params.department', message: 'outside the departments you manage' },
    ]);
  }
  if (typeof person === 'string') {
    const user = await ports.users.get(person);
    if (!user || !canSeeUser(scope, user))
      throw new OutOfScopeError(`The person ${person} is not one whose reports you may see.`, [
        { path: 'body.params.person', message: 'yourself, or someone in the departments you manage' },
      ]);
  }
}

/** The report's tables in the export must all be there, and no bigger than the scan cutoff. */
function assertWithinCutoff(report: ReportDefinition, scope: ReportScope, snapshot: ExportSnapshot): void {
  const tables = new Set(report.tables);
  // A limited scope narrows the other tables through `people`.
  if (scope.kind === 'limited') tables.add('people');
  let bytes = 0;
  for (const table of tables) {
    const file = snapshot.files[table];
    if (!file)
      throw new ConflictError(
        `The newest export (${snapshot.runId}) has no ${table} table, which the report ${report.name} reads: run POST /exports, then ask again.`,
      );
    bytes += file.bytes;
  }
  const limit = reportMaxScanBytes();
  if (bytes > limit) throw new ReportScanLimitError(report.name, bytes, limit);
}

function invalid(message: string, error: z.ZodError, prefix: string): InvalidInputError {
  const fields = error.issues.flatMap((issue) => {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    return paths.map((path) => ({
      path: [prefix, ...path.map(String)].join('.'),
      message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
    }));
  });
  const first = fields[0];
  return new InvalidInputError(first ? `${message}: ${first.path} ${first.message}.` : `${message}.`, fields);
}

/** JSON with object keys sorted, so equal parameters give equal text whatever their order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

function encodeRowCursor(offset: number, runId: string): string {
  return Buffer.from(JSON.stringify({ offset, runId }), 'utf8').toString('base64url');
}

function decodeRowCursor(cursor: string | undefined, runId: string): number {
  if (cursor === undefined) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (decoded?.runId === runId && Number.isSafeInteger(decoded.offset) && decoded.offset >= 0)
      return decoded.offset;
  } catch {
    // not JSON: refused below
  }
  throw new InvalidInputError('The cursor is not one this run issued.', [
    { path: 'query.cursor', message: 'not a cursor of this run: use nextCursor as given' },
  ]);
}

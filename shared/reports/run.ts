/**
 * A report run as the API shows it, and as its job record keeps it: what was asked (`POST
 * /reports/{name}/runs`), what the run's job holds in its `input`, and what `GET /reports/runs/{id}` answers.
 */
import * as z from 'zod';
import { Id, IsoDateTime, PageCursor } from '../domain/common.ts';
import { JobStatus } from '../domain/job.ts';
import { ROLES } from '../domain/principal.ts';

export const ReportFormat = z.enum(['json', 'csv']);

export const ReportRunRequest = z.strictObject({
  /** Validated by the report's own schema (errors name `body.params.<field>`). */
  params: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("The report's parameters (see GET /reports)"),
  format: ReportFormat.default('json').describe(
    'How the requester takes the answer: JSON rows (GET /reports/runs/{id}) or the CSV download; both are written',
  ),
});
export type ReportRunRequest = z.input<typeof ReportRunRequest>;

/** Whose rows the run reads, as resolved from the requester when it was asked for (never from the request). */
export const ReportRunScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('everything') }),
  z.strictObject({
    kind: z.literal('limited'),
    departmentIds: z.array(z.string()),
    selfId: z.string().nullable(),
  }),
]);

/** A report run's job `input`. */
export const ReportRunInput = z.object({
  report: z.string(),
  params: z.record(z.string(), z.unknown()),
  format: ReportFormat,
  scope: ReportRunScope,
  /** The requester: a person's user id, a machine client's `client:<id>`. */
  requestedBy: z.string(),
  /** The schedule that asked for it (scheduled delivery), if one did. */
  scheduleId: z.string().optional(),
});
export type ReportRunInput = z.infer<typeof ReportRunInput>;

export const ReportColumnView = z.object({
  name: z.string(),
  title: z.string(),
  type: z.enum(['string', 'integer', 'number', 'date', 'timestamp', 'boolean']),
});

/** A report of the catalog, as `GET /reports` lists it. */
export const ReportSummary = z
  .object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    roles: z.array(z.enum(ROLES)),
    /** Its parameters as JSON Schema (what `params` of a run takes). */
    params: z.record(z.string(), z.unknown()),
    example: z.record(z.string(), z.unknown()),
    columns: z.array(ReportColumnView),
  })
  .meta({ id: 'ReportSummary' });

export const ReportRunQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Rows per page: 1 to 1000'),
  cursor: PageCursor.optional(),
});

export const ReportRunView = z
  .object({
    id: Id,
    report: z.string(),
    title: z.string(),
    status: JobStatus,
    format: ReportFormat,
    params: z.record(z.string(), z.unknown()),
    requestedBy: z.string(),
    scheduleId: z.string().nullable(),
    createdAt: IsoDateTime,
    startedAt: IsoDateTime.nullable(),
    finishedAt: IsoDateTime.nullable(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    columns: z.array(ReportColumnView),
    /** Once succeeded: a page of rows, keyed by column name. */
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).nullable(),
    totalRows: z.number().int().nullable(),
    nextCursor: z.string().nullable(),
    /** Once succeeded: the export the answer comes from (the report is as fresh as it). */
    freshness: z.object({ exportedAt: IsoDateTime, exportRunId: z.string() }).nullable(),
    bytesScanned: z.number().nullable(),
    engine: z.enum(['athena', 'duckdb']).nullable(),
    /** Once succeeded: where the CSV and the chart are. */
    csv: z.string().nullable(),
    chart: z.string().nullable(),
  })
  .meta({ id: 'ReportRun' });
export type ReportRunView = z.infer<typeof ReportRunView>;

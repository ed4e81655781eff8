/**
 * What an analytics export run leaves behind: its manifest in the analytics bucket, and the summary its job
 * record keeps (`result`), which `GET /exports` lists.
 */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime } from '../domain/common.ts';
import { JobStatus } from '../domain/job.ts';

/** One entity's file, as the manifest vouches for it. */
export const ExportedFile = z.object({
  key: z.string(),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The stored entity type the rows come from, and how many items of it the scan read. */
  source: z.string(),
  tableCount: z.number().int().min(0),
  /** Items of the source left out, by reason: `rows` plus these equal `tableCount`. */
  omitted: z.record(z.string(), z.number().int().min(0)),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

/** `_manifests/dt=<day>/<runId>.json`: written last, once every file is uploaded and its count checked. */
export const ExportManifest = z.object({
  runId: Id,
  /** When the scan began: the data is at least this fresh (the reports' freshness stamp). */
  exportedAt: IsoDateTime,
  dt: IsoDate,
  /** Every item the scan read, of any type. */
  itemsScanned: z.number().int().min(0),
  files: z.record(z.string(), ExportedFile),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

/** What a succeeded export run's job record keeps: where its manifest is, and its counts. */
export const ExportSummary = z.object({
  exportedAt: IsoDateTime,
  dt: IsoDate,
  manifestKey: z.string(),
  rows: z.record(z.string(), z.number().int()),
  tableCounts: z.record(z.string(), z.number().int()),
  omitted: z.record(z.string(), z.record(z.string(), z.number().int())),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

/** One export run as `GET /exports` lists it: its job, and its manifest's counts once it succeeded. */
export const ExportRun = z
  .object({
    id: Id.describe('The run (its job: GET /jobs/{id})'),
    status: JobStatus,
    requestedBy: z.string(),
    requestedAt: IsoDateTime,
    startedAt: IsoDateTime.nullable(),
    finishedAt: IsoDateTime.nullable(),
    exportedAt: IsoDateTime.nullable().describe('When its scan began: how fresh the exported data is'),
    dt: IsoDate.nullable().describe('The day partition it wrote (dt=)'),
    manifestKey: z.string().nullable(),
    rows: z.record(z.string(), z.number().int()).describe('Rows per exported entity'),
    tableCounts: z
      .record(z.string(), z.number().int())
      .describe("The table's count of each entity's source type, as scanned"),
    omitted: z
      .record(z.string(), z.record(z.string(), z.number().int()))
      .describe('Items left out per entity, by reason (people: erased)'),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'ExportRun' });
export type ExportRun = z.infer<typeof ExportRun>;

/**
 * The analytics export: a snapshot of the LMS as Parquet files per entity in the analytics bucket, for the
 * reports (Athena in AWS, DuckDB locally). One run:
 * 1. reads the whole table once (a parallel Scan), sorting items by their entity type and writing each
 *    exported entity's rows to its NDJSON file in the workspace; erased people get no people row;
 * 2. turns each file into Parquet (DuckDB), masking erased people's ids everywhere else;
 * 3. checks each file's rows against the table's count of its source (rows + omitted = table), and fails on a
 *    difference before anything is uploaded;
 * 4. uploads the files, `<entity>/dt=<day>/<runId>.parquet`, then the manifest (written last: a run without
 *    its manifest is not an export);
 * 5. removes the files of the day's earlier runs, so that a day's partition holds one snapshot and a report
 *    never counts a day twice.
 */

import {
  type ExportedFile,
  type ExportManifest,
  type ExportRun,
  ExportSummary,
} from '../analytics/export-run.ts';
import {
  ANALYTICS_ENTITIES,
  type AnalyticsEntity,
  type AnalyticsEntityName,
  analyticsFileKey,
  analyticsManifestKey,
  EXPORTED_SOURCES,
  type Row,
  storedEntityOf,
} from '../analytics/schemas.ts';

import type { Job } from '../domain/job.ts';
import type { JobRunOutcome, JobRunPorts, JobRunProgress } from './job-runs.ts';
import type { Page, PageRequest } from './ports.ts';

type Item = Record<string, unknown>;

/** Every item of the table, page by page (pages may arrive concurrently). */
export interface TableItems {
  scan(onPage: (items: Item[]) => Promise<void>): Promise<void>;
}

/** One entity's Parquet file in the workspace, with what the manifest says of it. */
export interface ParquetFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** Where rows wait to become Parquet: local disk (see shared/store/analytics-parquet.ts). */
export interface ExportWorkspace {
  /** A page's rows of one entity. */
  append(entity: AnalyticsEntityName, rows: readonly Row[]): Promise<void>;
  /** Every person's department (erased people too), for the completions' department. */
  recordPersonDepartments(people: readonly { userId: string; departmentId: string | null }[]): Promise<void>;
  /** No more rows; the people to mask in every file. */
  finishRows(erasedUserIds: readonly string[]): Promise<void>;
  toParquet(entity: AnalyticsEntity): Promise<ParquetFile>;
  dispose(): Promise<void>;
}

export interface AnalyticsBucket {
  putFile(key: string, file: string): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  list(prefix: string): Promise<string[]>;
  remove(key: string): Promise<void>;
}

export interface AnalyticsExportPorts extends JobRunPorts {
  readonly table: TableItems;
  readonly openWorkspace: () => Promise<ExportWorkspace>;
  readonly bucket: AnalyticsBucket;
}

/** A file whose rows differ from the table's count: the run fails and nothing is uploaded. */
export class ExportCountMismatchError extends Error {
  readonly code = 'count-mismatch';
  constructor(entity: string, rows: number, omitted: number, tableCount: number) {
    super(
      `The ${entity} file holds ${rows} rows and ${omitted} were left out, but the table held ${tableCount} items of its type: nothing was uploaded.`,
    );
    this.name = 'ExportCountMismatchError';
  }
}

const SOURCES = new Set<string>(EXPORTED_SOURCES);

/** Runs one export as the run `run` (its id names the files); see the steps above. */
export async function runAnalyticsExport(
  ports: AnalyticsExportPorts,
  run: JobRunProgress,
): Promise<JobRunOutcome> {
  const runId = run.job().id;
  const exportedAt = ports.runtime.now().toISOString();
  const dt = exportedAt.slice(0, 10);
  const workspace = await ports.openWorkspace();
  try {
    const scanned = await scanIntoWorkspace(ports.table, workspace, run);
    await workspace.finishRows([...scanned.erased]);

    const files: Record<string, ExportedFile & { path: string }> = {};
    for (const [index, entity] of ANALYTICS_ENTITIES.entries()) {
      const file = await workspace.toParquet(entity);
      const tableCount = scanned.tableCounts.get(entity.source) ?? 0;
      const omitted = entity.omits ? { [entity.omits.reason]: scanned.omitted.get(entity.name) ?? 0 } : {};
      const left = Object.values(omitted).reduce((sum, n) => sum + n, 0);
      if (file.rows + left !== tableCount)
        throw new ExportCountMismatchError(entity.name, file.rows, left, tableCount);
      files[entity.name] = {
        path: file.path,
        key: analyticsFileKey(entity.name, dt, runId),
        rows: file.rows,
        bytes: file.bytes,
        sha256: file.sha256,
        source: entity.source,
        tableCount,
        omitted,
      };
      await run.progress('parquet', index + 1, ANALYTICS_ENTITIES.length, { items: scanned.items });
    }

    const uploaded = Object.entries(files);
    for (const [index, [name, file]] of uploaded.entries()) {
      await ports.bucket.putFile(file.key, file.path);
      run.output(name, file.key);
      await run.progress('upload', index + 1, uploaded.length, { items: scanned.items });
    }
    const manifestKey = analyticsManifestKey(dt, runId);
    const manifest: ExportManifest = {
      runId,
      exportedAt,
      dt,
      itemsScanned: scanned.items,
      files: Object.fromEntries(uploaded.map(([name, { path: _path, ...file }]) => [name, file])),
    };
    await ports.bucket.putJson(manifestKey, manifest);
    run.output('manifest', manifestKey);
    const superseded = await removeEarlierRuns(ports.bucket, dt, runId);

    const summary: ExportSummary = {
      exportedAt,
      dt,
      manifestKey,
      rows: Object.fromEntries(uploaded.map(([name, file]) => [name, file.rows])),
      tableCounts: Object.fromEntries(uploaded.map(([name, file]) => [name, file.tableCount])),
      omitted: Object.fromEntries(
        uploaded
          .filter(([, file]) => Object.keys(file.omitted).length)
          .map(([name, file]) => [name, file.omitted]),
      ),
    };
    return {
      result: { ...summary, supersededFiles: superseded },
      counts: { items: scanned.items, ...summary.rows },
    };
  } finally {
    await workspace.dispose();
  }
}

interface Scanned {
  items: number;
  tableCounts: Map<string, number>;
  omitted: Map<AnalyticsEntityName, number>;
  erased: Set<string>;
}

async function scanIntoWorkspace(
  table: TableItems,
  workspace: ExportWorkspace,
  run: JobRunProgress,
): Promise<Scanned> {
  const scanned: Scanned = { items: 0, tableCounts: new Map(), omitted: new Map(), erased: new Set() };
  const bySource = new Map<string, AnalyticsEntity[]>();
  for (const entity of ANALYTICS_ENTITIES)
    bySource.set(entity.source, [...(bySource.get(entity.source) ?? []), entity]);
  await table.scan(async (items) => {
    const rows = new Map<AnalyticsEntityName, Row[]>();
    const departments: { userId: string; departmentId: string | null }[] = [];
    for (const item of items) {
      scanned.items += 1;
      const source = storedEntityOf(item);
      if (!source || !SOURCES.has(source)) continue;
      scanned.tableCounts.set(source, (scanned.tableCounts.get(source) ?? 0) + 1);
      if (source === 'user') {
        const userId = String(item.id);
        if (typeof item.erasedAt === 'string' && item.erasedAt) scanned.erased.add(userId);
        departments.push({
          userId,
          departmentId: typeof item.departmentId === 'string' ? item.departmentId : null,
        });
      }
      for (const entity of bySource.get(source) ?? []) {
        if (entity.omits?.when(item)) {
          scanned.omitted.set(entity.name, (scanned.omitted.get(entity.name) ?? 0) + 1);
          continue;
        }
        const page = rows.get(entity.name) ?? [];
        page.push(entity.row(item));
        rows.set(entity.name, page);
      }
    }
    await workspace.recordPersonDepartments(departments);
    for (const [entity, page] of rows) await workspace.append(entity, page);
    await run.progress('scan', scanned.items, 0, { items: scanned.items });
  });
  return scanned;
}

/** Deletes the files and manifests of the day's other runs, once this run's manifest is written. */
async function removeEarlierRuns(bucket: AnalyticsBucket, dt: string, runId: string): Promise<number> {
  const prefixes = [
    ...ANALYTICS_ENTITIES.map((entity) => `${entity.name}/dt=${dt}/`),
    `_manifests/dt=${dt}/`,
  ];
  let removed = 0;
  for (const prefix of prefixes) {
    for (const key of await bucket.list(prefix)) {
      if (key.slice(prefix.length).startsWith(`${runId}.`)) continue;
      await bucket.remove(key);
      removed += 1;
    }
  }
  return removed;
}

/**
 * The export runs, newest first: their job records (kind `export`), each with the counts its manifest holds,
 * kept in the record's result when the run succeeded. No bucket is read.
 */
export async function listExportRuns(
  ports: Pick<JobRunPorts, 'jobs'>,
  page: PageRequest,
): Promise<Page<ExportRun>> {
  const jobs = await ports.jobs.list({ type: 'export' }, page);
  return { items: jobs.items.map(exportRunOf), nextCursor: jobs.nextCursor };
}

function exportRunOf(job: Job): ExportRun {
  const summary = ExportSummary.safeParse(job.result);
  return {
    id: job.id,
    status: job.status,
    requestedBy: job.createdBy,
    requestedAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    exportedAt: summary.success ? summary.data.exportedAt : null,
    dt: summary.success ? summary.data.dt : null,
    manifestKey: summary.success ? summary.data.manifestKey : null,
    rows: summary.success ? summary.data.rows : {},
    tableCounts: summary.success ? summary.data.tableCounts : {},
    omitted: summary.success ? summary.data.omitted : {},
    failure: job.failure,
  };
}

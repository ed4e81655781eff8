/**
 * The DuckDB report engine (one machine: `npm start`, the tests, the benchmark): each table the report reads
 * is the export run's Parquet file, `read_parquet('<local copy>')`; the report's SQL runs unchanged, with its
 * parameters bound as a prepared statement's.
 */
import { stat } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { AnalyticsEntityName } from '../analytics/schemas.ts';
import {
  type ExportSnapshot,
  type ReportEngine,
  type ReportOutcome,
  type ReportQuery,
  withExportTime,
} from './engine.ts';
import { assertColumns, composeReportQuery, reportRow } from './sql.ts';

/** Where a table's file of an export run is on local disk (downloaded once, see `analytics-files.ts`). */
export type LocalParquetFiles = (snapshot: ExportSnapshot, table: AnalyticsEntityName) => Promise<string>;

export class DuckDbReportEngine implements ReportEngine {
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(
    private readonly files: LocalParquetFiles,
    private readonly limits: { readonly threads?: number; readonly memoryLimit?: string } = {},
  ) {}

  async run(query: ReportQuery): Promise<ReportOutcome> {
    const paths = new Map<AnalyticsEntityName, string>();
    for (const table of withPeople(query)) paths.set(table, await this.files(query.snapshot, table));
    const bound = composeReportQuery(query.report, withExportTime(query), query.scope, (table) => {
      const file = paths.get(table);
      if (!file) throw new Error(`No file of ${table} was fetched for the report ${query.report.name}`);
      return { from: `read_parquet(${literal(file)})` };
    });
    const connection = await this.connect();
    try {
      const reader = await connection.runAndReadAll(bound.text, bound.values as DuckDBValue[]);
      assertColumns(query.report, reader.columnNames());
      const rows = reader.getRowObjectsJson().map((raw) => reportRow(query.report.columns, raw));
      let bytesScanned = 0;
      for (const file of paths.values()) bytesScanned += (await stat(file)).size;
      return { rows, bytesScanned, engine: 'duckdb' };
    } finally {
      connection.closeSync();
    }
  }

  private async connect(): Promise<DuckDBConnection> {
    this.instance ??= DuckDBInstance.create(':memory:', {
      threads: String(this.limits.threads ?? 2),
      memory_limit: this.limits.memoryLimit ?? '1GB',
    });
    return (await this.instance).connect();
  }
}

/** The tables a run reads: the report's, and `people` when a limited scope narrows others by it. */
function withPeople(query: ReportQuery): AnalyticsEntityName[] {
  const tables = new Set(query.report.tables);
  if (query.scope.kind === 'limited') tables.add('people');
  return [...tables];
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

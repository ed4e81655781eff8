/**
 * The report engine port: runs one report over one analytics export run, for one scope. Two adapters:
 * Athena in AWS (`athena-engine.ts`: the Glue tables, the run's `dt` partition) and DuckDB on one machine
 * (`duckdb-engine.ts`: the run's Parquet files). Both compose the same query (`composeReportQuery`) and give
 * rows back in the report's column types (`reportRow`), so a report answers the same in both.
 */
import type { AnalyticsEntityName } from '../analytics/schemas.ts';
import type { ReportDefinition } from './definition.ts';
import type { ReportScope } from './sql.ts';

/** The export run a report reads: its id, day partition and files (from its manifest). */
export interface ExportSnapshot {
  readonly runId: string;
  readonly dt: string;
  /** When its scan began: the report's freshness stamp. */
  readonly exportedAt: string;
  readonly files: Readonly<
    Partial<Record<AnalyticsEntityName, { readonly key: string; readonly bytes: number }>>
  >;
}

export interface ReportQuery {
  readonly report: ReportDefinition;
  /** The parameters, already validated by the report's schema. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly scope: ReportScope;
  readonly snapshot: ExportSnapshot;
}

export interface ReportOutcome {
  readonly rows: Record<string, string | number | boolean | null>[];
  /** What the engine read to answer (Athena's DataScannedInBytes; DuckDB: the files' sizes). */
  readonly bytesScanned: number;
  readonly engine: 'athena' | 'duckdb';
}

export interface ReportEngine {
  run(query: ReportQuery): Promise<ReportOutcome>;
}

/**
 * The parameters as an engine binds them: `asOf` (reports that judge "now": overdue, expired) defaults to
 * the export's time, so a report reads the data as it stood when exported.
 */
export function withExportTime(query: Pick<ReportQuery, 'params' | 'snapshot'>): Record<string, unknown> {
  return { ...query.params, asOf: query.params.asOf ?? query.snapshot.exportedAt };
}

/**
 * A report of the catalog: one SQL query over the analytics export's tables, run unchanged by Athena (Trino)
 * in AWS and by DuckDB on one machine. The SQL names the export's tables by their plain names (`people`,
 * `enrollments`, ...); the engine layer puts in front of it one common table expression per table, holding
 * the export run the report reads and, for a manager, only their department subtree (see `sql.ts`). The
 * caller never writes SQL and never chooses its scope.
 *
 * Parameters are written `:name` in the SQL and bound by the engine (DuckDB's prepared statements, Athena's
 * execution parameters), never pasted into the text. A list parameter (`:departmentIds`) becomes `?, ?, ...`.
 */
import type * as z from 'zod';
import type { AnalyticsEntityName } from '../analytics/schemas.ts';
import type { Role } from '../domain/principal.ts';

/** How a report column is shown (CSV, the JSON rows, the chart's axes). */
export type ReportColumnType = 'string' | 'integer' | 'number' | 'date' | 'timestamp' | 'boolean';

export interface ReportColumn {
  /** The SQL's output column (snake_case), and the key of each JSON row. */
  readonly name: string;
  readonly title: string;
  readonly type: ReportColumnType;
}

/**
 * The report's chart, drawn server-side with Vega-Lite (`GET /reports/runs/{id}/chart.svg`): a Vega-Lite
 * unit spec without `data` (the run's rows are given as the data) and without `$schema`.
 */
export interface ReportChart {
  readonly mark: string | Record<string, unknown>;
  readonly encoding: Record<string, unknown>;
  /** Anything else a unit spec holds (`transform`, `title`, `width`). */
  readonly [key: string]: unknown;
}

export interface ReportDefinition<Params extends z.ZodType = z.ZodType> {
  /** Its name in routes (`POST /reports/{name}/runs`), kebab-case: a contract, do not rename. */
  readonly name: string;
  readonly title: string;
  /** What it answers, for the catalog (`GET /reports`) and the API docs. */
  readonly description: string;
  /**
   * Who may run it. A manager sees only their department subtree (the engine scopes every table); a learner
   * only themselves. Reports over `audit`, `jobs`, `imports` and `sign_ins` are for admins only.
   */
  readonly roles: readonly Role[];
  /** Its parameters, validated before anything runs (errors name `params.<field>`). */
  readonly params: Params;
  /** Parameters that run it, for the catalog and the API docs (the catalog test runs every report with them). */
  readonly example: Readonly<Record<string, unknown>>;
  /** The export's tables it reads: the engine builds (and scopes) only these. */
  readonly tables: readonly AnalyticsEntityName[];
  /** The query: `:name` placeholders for parameters, the tables by plain name, in the Athena/DuckDB subset. */
  readonly sql: string;
  /** Its output columns, in order (the SQL's select list must match them: a test checks). */
  readonly columns: readonly ReportColumn[];
  readonly chart: ReportChart;
}

/** Declares a report with its parameters' type kept (for the catalog's tests). */
export function defineReport<Params extends z.ZodType>(
  report: ReportDefinition<Params>,
): ReportDefinition<Params> {
  return report;
}

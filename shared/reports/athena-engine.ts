/**
 * The Athena report engine (AWS): the report's SQL over the Glue tables of the analytics export, each table
 * read at the run's `dt` partition and only that run's file (a later export of the same day may be
 * uploading beside it). One run:
 * 1. StartQueryExecution in the LMS workgroup, the values bound as execution parameters (never pasted);
 * 2. GetQueryExecution until it ends, backing off, and StopQueryExecution past the deadline;
 * 3. GetQueryResults page by page (the first row of the first page is the header);
 * 4. the bytes it scanned from its statistics.
 * A query the workgroup's bytes-scanned cutoff cancelled is the same refusal as the request's pre-check.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { AnalyticsEntityName } from '../analytics/schemas.ts';
import {
  type ExportSnapshot,
  type ReportEngine,
  type ReportOutcome,
  type ReportQuery,
  withExportTime,
} from './engine.ts';
import { REPORT_MAX_ROWS, ReportScanLimitError, ReportTooManyRowsError } from './limits.ts';
import { assertColumns, type BoundQuery, composeReportQuery, reportRow, type SqlValue } from './sql.ts';

export interface AthenaSettings {
  readonly workgroup: string;
  /** The Glue database of the export's tables. */
  readonly database: string;
  /** The workgroup's bytes-scanned cutoff, named in the refusal when Athena cancels a query for it. */
  readonly maxScanBytes: number;
  /** How long a query may run before it is stopped. @default 600000 (10 minutes) */
  readonly deadlineMs?: number;
  /** First and longest wait between two GetQueryExecution calls. @default 250 ms, then doubling to 4 s */
  readonly pollMs?: { readonly first: number; readonly max: number };
  /** @default REPORT_MAX_ROWS */
  readonly maxRows?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A query Athena failed or cancelled for another reason than the cutoff; its words kept. */
export class AthenaQueryError extends Error {
  readonly code = 'athena-query-failed';
}

/** Athena's words when the workgroup's BytesScannedCutoffPerQuery cancels a query (state CANCELLED). */
const SCAN_LIMIT_REASON = /bytes scanned limit was exceeded/i;

/** GetQueryResults' largest page. */
const PAGE_SIZE = 1000;

export class AthenaReportEngine implements ReportEngine {
  constructor(
    private readonly athena: AthenaClient,
    private readonly settings: AthenaSettings,
  ) {}

  async run(query: ReportQuery): Promise<ReportOutcome> {
    const bound = athenaReportQuery(query, this.settings.database);
    const started = await this.athena.send(
      new StartQueryExecutionCommand({
        QueryString: bound.text,
        WorkGroup: this.settings.workgroup,
        QueryExecutionContext: { Database: this.settings.database },
        ExecutionParameters: bound.values.map(athenaLiteral),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError('Athena started the query without giving its id.');
    const execution = await this.finished(id, query.report.name);
    const rows = await this.results(id, query);
    return {
      rows,
      bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0,
      engine: 'athena',
    };
  }

  /** Polls until the query ends; stops it past the deadline. Throws unless it succeeded. */
  private async finished(id: string, report: string): Promise<QueryExecution> {
    const sleep = this.settings.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const poll = this.settings.pollMs ?? { first: 250, max: 4000 };
    const deadline = Date.now() + (this.settings.deadlineMs ?? 600_000);
    let wait = poll.first;
    for (;;) {
      const { QueryExecution: execution } = await this.athena.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      const status = execution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return execution as QueryExecution;
        case 'FAILED':
        case 'CANCELLED': {
          const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'no reason given';
          if (SCAN_LIMIT_REASON.test(reason))
            throw new ReportScanLimitError(
              report,
              execution?.Statistics?.DataScannedInBytes ?? null,
              this.settings.maxScanBytes,
            );
          throw new AthenaQueryError(
            `Athena ${status.State === 'FAILED' ? 'failed' : 'cancelled'} the query of the report ${report} (${id}): ${reason}`,
          );
        }
      }
      if (Date.now() + wait > deadline) {
        await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        throw new AthenaQueryError(
          `The query of the report ${report} (${id}) ran longer than ${(this.settings.deadlineMs ?? 600_000) / 1000} s and was stopped.`,
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, poll.max);
    }
  }

  /** Every row, page by page; the header row names the columns, which must be the report's. */
  private async results(id: string, query: ReportQuery): Promise<ReportOutcome['rows']> {
    const maxRows = this.settings.maxRows ?? REPORT_MAX_ROWS;
    const rows: ReportOutcome['rows'] = [];
    let names: string[] | undefined;
    let token: string | undefined;
    do {
      const page = await this.athena.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE }),
      );
      const data = page.ResultSet?.Rows ?? [];
      if (!names) {
        names = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
        assertColumns(query.report, names);
        // The first row of the first page is the header (the column names again).
        data.shift();
      }
      for (const row of data) {
        const raw: Record<string, string | undefined> = {};
        for (const [index, name] of names.entries()) raw[name] = row.Data?.[index]?.VarCharValue;
        rows.push(reportRow(query.report.columns, raw));
      }
      if (rows.length > maxRows) throw new ReportTooManyRowsError(query.report.name, rows.length);
      token = page.NextToken;
    } while (token);
    return rows;
  }
}

/**
 * The query Athena receives for a run: each table is its Glue table at the run's `dt` partition, and only the
 * run's own file (`"$path"`: the S3 object a row comes from), since a later export of the same day writes its
 * files into the same partition before it deletes the earlier run's.
 */
export function athenaReportQuery(
  query: Pick<ReportQuery, 'report' | 'params' | 'scope' | 'snapshot'>,
  database: string,
): BoundQuery {
  return composeReportQuery(
    query.report,
    withExportTime(query),
    query.scope,
    athenaTables(database, query.snapshot),
  );
}

export function athenaTables(database: string, snapshot: Pick<ExportSnapshot, 'dt' | 'runId'>) {
  return (table: AnalyticsEntityName) => ({
    from: `${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
    where: { text: `dt = ? AND "$path" LIKE ?`, values: [snapshot.dt, `%/${snapshot.runId}.parquet`] },
  });
}

/**
 * An execution parameter as Athena takes it: SQL literal text (strings quoted, their quotes doubled; numbers
 * and booleans as written; NULL).
 * @example athenaLiteral("O'Brien") // => "'O''Brien'"
 */
export function athenaLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AthenaQueryError(`${value} cannot be a query parameter.`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The Athena report engine against the exact SDK shapes Athena answers with (there is no Athena emulator):
 * what StartQueryExecution receives (the Glue tables at the run's partition and file, values as SQL literal
 * execution parameters), polling with backoff, paged results whose first row is the header, the bytes
 * scanned; the workgroup's cutoff cancelling a query (Athena's own words) as the pre-check's refusal; a
 * query past its deadline stopped.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runReports } from '../../../shared/jobs/manifest.ts';
import {
  AthenaQueryError,
  AthenaReportEngine,
  athenaLiteral,
  athenaReportQuery,
} from '../../../shared/reports/athena-engine.ts';
import { completionReport } from '../../../shared/reports/catalog/completion.ts';
import { complianceReport } from '../../../shared/reports/catalog/compliance.ts';
import type { ReportQuery } from '../../../shared/reports/engine.ts';
import { ReportScanLimitError } from '../../../shared/reports/limits.ts';
import { ReportSqlError } from '../../../shared/reports/sql.ts';
import { recordMockedCalls } from '../../support/aws-calls.ts';

const athena = mockClient(AthenaClient);
const waits: number[] = [];
const engine = (settings: { deadlineMs?: number } = {}) =>
  new AthenaReportEngine(new AthenaClient({ region: 'eu-west-1' }), {
    workgroup: 'lms-reports',
    database: 'lms_analytics',
    maxScanBytes: 10_485_760,
    sleep: async (ms) => {
      waits.push(ms);
      vi.setSystemTime(Date.now() + ms);
    },
    ...settings,
  });

const query: ReportQuery = {
  report: completionReport,
  params: { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter' },
  scope: { kind: 'everything' },
  snapshot: { runId: 'run-1', dt: '2026-06-30', exportedAt: '2026-06-30T02:00:00.000Z', files: {} },
};

const HEADER = [
  'period',
  'course_id',
  'course_title',
  'department_id',
  'department_name',
  'completions',
  'average_score',
];
const columnInfo = (names: string[]) =>
  names.map((Name) => ({
    Name,
    Label: Name,
    Type: 'varchar',
    CatalogName: 'hive',
    Nullable: 'UNKNOWN' as const,
  }));
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })),
});

describe('the Athena report engine', () => {
  beforeEach(() => {
    athena.reset();
    waits.length = 0;
    vi.useFakeTimers({ toFake: ['Date'] });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  });
  afterEach(() => {
    vi.useRealTimers();
    // The report worker is the function that queries Athena.
    recordMockedCalls(runReports.handler, athena);
  });

  it('starts the query on the run partition with literal parameters, polls with backoff and reads every page', async () => {
    // Prepare
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          QueryExecutionId: 'q-1',
          Status: { State: 'SUCCEEDED' },
          Statistics: { DataScannedInBytes: 123_456, EngineExecutionTimeInMillis: 900 },
        },
      });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined, MaxResults: 1000 })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columnInfo(HEADER) },
          Rows: [row(...HEADER), row('2026-01-01', 'c1', "O'Neil safety", 'd1', 'Sales', '3', '87.5')],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2', MaxResults: 1000 })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columnInfo(HEADER) },
          Rows: [row('2026-04-01', 'c2', 'First aid', undefined, undefined, '1', undefined)],
        },
      });

    // Act
    const outcome = await engine().run(query);

    // Assess: the query as Athena receives it
    const started = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(started).toMatchObject({
      WorkGroup: 'lms-reports',
      QueryExecutionContext: { Database: 'lms_analytics' },
      ExecutionParameters: [
        "'2026-06-30'",
        "'%/run-1.parquet'",
        "'2026-06-30'",
        "'%/run-1.parquet'",
        "'2026-06-30'",
        "'%/run-1.parquet'",
        "'quarter'",
        "'2026-01-01'",
        "'2026-06-30'",
        'NULL',
        'NULL',
        'NULL',
        'NULL',
        'NULL',
      ],
    });
    expect(started?.QueryString).toContain(
      'completions AS (SELECT * FROM "lms_analytics"."completions" WHERE (dt = ? AND "$path" LIKE ?))',
    );
    expect(started?.QueryString).not.toContain('2026-01-01');
    // Assess: backoff between polls, rows in the report's types, the header row skipped
    expect(waits).toEqual([250, 500]);
    expect(outcome).toEqual({
      engine: 'athena',
      bytesScanned: 123_456,
      rows: [
        {
          period: '2026-01-01',
          course_id: 'c1',
          course_title: "O'Neil safety",
          department_id: 'd1',
          department_name: 'Sales',
          completions: 3,
          average_score: 87.5,
        },
        {
          period: '2026-04-01',
          course_id: 'c2',
          course_title: 'First aid',
          department_id: null,
          department_name: null,
          completions: 1,
          average_score: null,
        },
      ],
    });
  });

  it("refuses a query the workgroup's bytes-scanned cutoff cancelled, as the pre-check does", async () => {
    // Prepare: Athena engine v3 cancels such a query with these words
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: { State: 'CANCELLED', StateChangeReason: 'Bytes scanned limit was exceeded' },
        Statistics: { DataScannedInBytes: 10_485_760 },
      },
    });

    // Act
    const running = engine().run(query);

    // Assess
    await expect(running).rejects.toThrow(ReportScanLimitError);
    await expect(running).rejects.toThrow(
      'The report completion would read 10485760 bytes, above the 10485760 bytes one report may scan',
    );
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it("fails with Athena's reason when the query fails", async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: {
          State: 'FAILED',
          StateChangeReason:
            "TABLE_NOT_FOUND: line 2:24: Table 'awsdatacatalog.lms_analytics.courses' does not exist",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false },
        },
      },
    });

    // Act / Assess
    await expect(engine().run(query)).rejects.toThrow(
      /Athena failed the query of the report completion \(q-1\): TABLE_NOT_FOUND/,
    );
  });

  it('stops a query that runs past its deadline', async () => {
    // Prepare
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});

    // Act
    const running = engine({ deadlineMs: 5_000 }).run(query);

    // Assess: 250 + 500 + 1000 + 2000 ms waited, the next wait would pass 5 s
    await expect(running).rejects.toThrow(AthenaQueryError);
    await expect(running).rejects.toThrow('ran longer than 5 s and was stopped');
    expect(waits).toEqual([250, 500, 1000, 2000]);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: 'q-1',
    });
  });

  it('refuses an answer whose columns are not the report’s', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' } },
    });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columnInfo(['period']) }, Rows: [row('period')] },
    });

    // Act / Assess
    await expect(engine().run(query)).rejects.toThrow(ReportSqlError);
  });
});

describe('athenaLiteral', () => {
  it("judges deadlines at the export's time when the run names no asOf, as the DuckDB engine does", () => {
    // Act
    const bound = athenaReportQuery({ ...query, report: complianceReport, params: {} }, 'lms_analytics');

    // Assess
    expect(bound.values).toContain('2026-06-30T02:00:00.000Z');
  });

  it('writes each value as the SQL literal Athena takes as an execution parameter', () => {
    expect(athenaLiteral("O'Brien; DROP TABLE people --")).toBe("'O''Brien; DROP TABLE people --'");
    expect(athenaLiteral(42)).toBe('42');
    expect(athenaLiteral(-1.5)).toBe('-1.5');
    expect(athenaLiteral(true)).toBe('TRUE');
    expect(athenaLiteral(null)).toBe('NULL');
    expect(() => athenaLiteral(Number.NaN)).toThrow(AthenaQueryError);
  });
});

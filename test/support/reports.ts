/**
 * Reports on fixture data: rows written as the analytics export writes them (each table's Parquet columns
 * and types, from `shared/analytics/schemas.ts`; a column a fixture row leaves out is null), then the report
 * run by the DuckDB engine exactly as the product runs it (`composeReportQuery`, bound parameters, the
 * scope's narrowing). The Athena form of the same query is what `athenaQuery` returns (the Athena engine's
 * own text), for the parser test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll } from 'vitest';
import { ANALYTICS_ENTITIES, type AnalyticsEntityName, type Row } from '../../shared/analytics/schemas.ts';
import { athenaReportQuery } from '../../shared/reports/athena-engine.ts';
import type { ReportDefinition } from '../../shared/reports/definition.ts';
import { DuckDbReportEngine } from '../../shared/reports/duckdb-engine.ts';
import type { ExportSnapshot, ReportOutcome } from '../../shared/reports/engine.ts';
import type { BoundQuery, ReportScope } from '../../shared/reports/sql.ts';

export type FixtureTables = Partial<Record<AnalyticsEntityName, readonly Row[]>>;

export interface ReportFixture {
  readonly snapshot: ExportSnapshot;
  /** Runs `report` on the fixture, as an admin unless a scope is given; params are validated first. */
  run(
    report: ReportDefinition,
    params?: Record<string, unknown>,
    scope?: ReportScope,
  ): Promise<ReportOutcome['rows']>;
}

const directories: string[] = [];
afterAll(async () => {
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * Writes every exported table (those `tables` leaves out are empty) as Parquet files of one export run.
 * @example const fixture = await reportFixture({ people: [{ user_id: 'u1', department_id: 'd1' }] });
 */
export async function reportFixture(
  tables: FixtureTables,
  exportedAt = '2026-06-30T12:00:00.000Z',
): Promise<ReportFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lms-report-fixture-'));
  directories.push(dir);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const files: Record<string, { key: string; bytes: number }> = {};
  try {
    for (const entity of ANALYTICS_ENTITIES) {
      const known = new Set(entity.columns.map((column) => column.name));
      for (const row of tables[entity.name] ?? [])
        for (const column of Object.keys(row))
          if (!known.has(column)) throw new Error(`${entity.name} has no column ${column}`);
      const json = path.join(dir, `${entity.name}.ndjson`);
      await writeFile(json, (tables[entity.name] ?? []).map((row) => `${JSON.stringify(row)}\n`).join(''));
      const columns = entity.columns.map((column) => `"${column.name}": '${column.type}'`).join(', ');
      const file = path.join(dir, `${entity.name}.parquet`);
      await connection.run(
        `COPY (SELECT * FROM read_json('${json}', format='newline_delimited', columns={${columns}})) TO '${file}' (FORMAT PARQUET)`,
      );
      files[entity.name] = { key: file, bytes: 0 };
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const snapshot: ExportSnapshot = { runId: 'fixture', dt: exportedAt.slice(0, 10), exportedAt, files };
  const engine = new DuckDbReportEngine(async (_snapshot, table) => {
    const file = files[table];
    if (!file) throw new Error(`no fixture file for ${table}`);
    return file.key;
  });
  return {
    snapshot,
    async run(report, params = {}, scope = { kind: 'everything' }) {
      const parsed = report.params.parse(params) as Record<string, unknown>;
      return (await engine.run({ report, params: parsed, scope, snapshot })).rows;
    },
  };
}

/**
 * The query Athena receives for `report` (the Glue tables, the run's partition and file), built by the Athena
 * engine's own function, for the SQL parser test.
 */
export function athenaQuery(
  report: ReportDefinition,
  params: Record<string, unknown>,
  scope: ReportScope = { kind: 'everything' },
): BoundQuery {
  return athenaReportQuery(
    { report, params, scope, snapshot: { runId: 'fixture', dt: '2026-06-30', exportedAt: '', files: {} } },
    'lms_analytics',
  );
}

/**
 * `export.rows-per-s.ratio`: the analytics export's Parquet step against DuckDB alone, in the same run.
 * Measured: N enrollment items (as the scan hands them over) through the export's workspace: the entity's
 * row mapping, the NDJSON file, and the typed, erasure-masked `COPY ... TO ... (FORMAT PARQUET)`.
 * Baseline: DuckDB reading the same NDJSON (the same bytes, written beforehand) and writing it to Parquet with
 * its own type detection. Rounds alternate which goes first; reported: the median over rounds of
 * rows/s(export) / rows/s(DuckDB). The table scan and the upload are not in it (the backup's benchmark
 * measures the scan against a raw parallel Scan).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ANALYTICS_ENTITIES } from '../../shared/analytics/schemas.ts';
import { openParquetWorkspace } from '../../shared/store/analytics-parquet.ts';
import { type Figure, median } from './figures.ts';

const ROWS = 60_000;
const ROUNDS = 5;
const ERASED = 100;
const PAGE = 1_000;

export async function benchExport(): Promise<Figure[]> {
  const enrollments = ANALYTICS_ENTITIES.find((entity) => entity.name === 'enrollments');
  if (!enrollments) throw new Error('no enrollments entity in the export schemas');
  const users = Array.from({ length: 5_000 }, () => randomUUID());
  const courses = Array.from({ length: 200 }, () => randomUUID());
  const items = Array.from({ length: ROWS }, (_, index) => enrollmentItem(index, users, courses));
  const erased = users.slice(0, ERASED);
  const dir = await mkdtemp(path.join(tmpdir(), 'lms-export-bench-'));
  const ndjson = path.join(dir, 'enrollments.ndjson');
  await writeFile(ndjson, `${items.map((item) => JSON.stringify(enrollments.row(item))).join('\n')}\n`);
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    preserve_insertion_order: 'false',
  });
  const duckdb = await instance.connect();

  const viaExport = async () => {
    const workspace = await openParquetWorkspace({ threads: 2 }, dir);
    try {
      // In pages, as the scan hands them over (a 1 MB DynamoDB page holds about a thousand of these).
      for (let start = 0; start < items.length; start += PAGE)
        await workspace.append('enrollments', items.slice(start, start + PAGE).map(enrollments.row));
      await workspace.finishRows(erased);
      const file = await workspace.toParquet(enrollments);
      if (file.rows !== ROWS) throw new Error(`the export wrote ${file.rows} rows of ${ROWS}`);
    } finally {
      await workspace.dispose();
    }
  };
  const viaDuckDb = async () => {
    const out = path.join(dir, 'baseline.parquet');
    await duckdb.run(
      `COPY (SELECT * FROM read_json('${ndjson}', format='newline_delimited')) TO '${out}' (FORMAT PARQUET, COMPRESSION ZSTD)`,
    );
  };

  try {
    await viaExport();
    await viaDuckDb();
    const ratios: number[] = [];
    const exportRates: number[] = [];
    const duckRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [viaExport, viaDuckDb] : [viaDuckDb, viaExport];
      const seconds = new Map<() => Promise<void>, number>();
      for (const step of order) {
        const started = performance.now();
        await step();
        seconds.set(step, (performance.now() - started) / 1000);
      }
      const exportRate = ROWS / (seconds.get(viaExport) ?? Number.NaN);
      const duckRate = ROWS / (seconds.get(viaDuckDb) ?? Number.NaN);
      exportRates.push(exportRate);
      duckRates.push(duckRate);
      ratios.push(exportRate / duckRate);
    }
    return [
      {
        id: 'export.rows-per-s.ratio',
        value: median(ratios),
        unit: 'x',
        op: '>=',
        target: 0.5,
        note: `${ROWS.toLocaleString('en')} enrollment items to Parquet through the export (rows, NDJSON, typed and masked COPY: ${Math.round(median(exportRates)).toLocaleString('en')} rows/s) against DuckDB reading the same NDJSON to Parquet (${Math.round(median(duckRates)).toLocaleString('en')} rows/s), median of ${ROUNDS} rounds`,
      },
    ];
  } finally {
    duckdb.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

function enrollmentItem(index: number, users: string[], courses: string[]): Record<string, unknown> {
  const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  const completed = index % 2 === 0;
  return {
    entity: 'enrollment',
    courseId: courses[index % courses.length],
    userId: users[index % users.length],
    status: completed ? 'completed' : 'enrolled',
    sources: [{ source: index % 3 === 0 ? 'cohort' : 'manual', actor: 'user:x', reference: 'r', at }],
    enrolledAt: at,
    dueAt: at,
    overdueAt: null,
    completedAt: completed ? at : null,
    expiresAt: null,
    recertifyAt: null,
    score: completed ? index % 101 : null,
    timeSpentSeconds: index % 3600,
    completionOrigin: null,
    contentVersion: 1,
    history: [],
    version: 1,
  };
}

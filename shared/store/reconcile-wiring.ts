/** Builds reconciliation's ports once per cold start (its own module: only that route bundles DuckDB). */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExportManifest } from '../analytics/export-run.ts';
import { dynamoDb, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { DuckDbReportEngine } from '../reports/duckdb-engine.ts';
import type { ReconcileDeps } from '../use-cases/reconcile.ts';
import { cachedParquetFiles, readBucketJson } from './analytics-files.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoEnrollmentRepository } from './enrollment-store.ts';
import { DynamoLiveTable } from './reconcile-live.ts';
import { DynamoUserRepository } from './user-store.ts';

/**
 * Reconciliation's ports: the latest export's manifest, the report engine over its files and the live table.
 * The engine here is DuckDB over the run's files cached under the temp dir (one machine); in AWS the route
 * takes the report runs' engine (Athena), which their wiring chooses when `ATHENA_WORKGROUP` is set.
 */
export function reconcilePorts(): ReconcileDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const bucket = requireSetting('analyticsBucket');
  const jobs = new DynamoJobRepository(client, tableName);
  return {
    latestExport: async () => {
      const runs = await jobs.list({ type: 'export', status: 'succeeded' }, { limit: 5 });
      const key = runs.items.find((run) => run.outputs.manifest)?.outputs.manifest;
      return key ? ExportManifest.parse(await readBucketJson(s3Client(), bucket, key)) : null;
    },
    engine: new DuckDbReportEngine(
      cachedParquetFiles(s3Client(), bucket, path.join(tmpdir(), 'lms-report-files')),
    ),
    live: new DynamoLiveTable(
      client,
      tableName,
      new DynamoUserRepository(client, tableName),
      new DynamoEnrollmentRepository(client, tableName),
    ),
  };
}

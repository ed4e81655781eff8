/** Builds reconciliation's ports once per cold start. */
import { dynamoDb, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { latestManifest } from '../reports/snapshot.ts';
import type { ReconcileDeps } from '../use-cases/reconcile.ts';
import { readBucketJson } from './analytics-files.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoEnrollmentRepository } from './enrollment-store.ts';
import { DynamoLiveTable } from './reconcile-live.ts';
import { reportEngine } from './report-wiring.ts';
import { DynamoUserRepository } from './user-store.ts';

/**
 * Reconciliation's ports: the latest export's manifest, the report engine over its files and the live table.
 * The engine is the report runs' (Athena when `ATHENA_WORKGROUP` is set, DuckDB on one machine).
 */
export function reconcilePorts(): ReconcileDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const bucket = requireSetting('analyticsBucket');
  const jobs = new DynamoJobRepository(client, tableName);
  return {
    latestExport: () => latestManifest({ jobs, readJson: (key) => readBucketJson(s3Client(), bucket, key) }),
    // The route's 29 s, less time to compare and answer.
    engine: reportEngine(bucket, 20_000),
    live: new DynamoLiveTable(
      client,
      tableName,
      new DynamoUserRepository(client, tableName),
      new DynamoEnrollmentRepository(client, tableName),
    ),
  };
}

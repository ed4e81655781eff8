/**
 * Builds the admin status ports once per cold start: the health probes, runs and attempts in the table, the
 * catalog, and the API's request counts from CloudWatch when `API_NAME` names the API (AWS), from the local
 * gateway's request log otherwise.
 */
import { cloudWatchClient, dynamoDb } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { AdminStatusPorts } from '../use-cases/admin-status.ts';
import type { DependencyProbe } from '../use-cases/health.ts';
import { CloudWatchApiRequestStats, localApiRequestStats } from './api-request-stats.ts';
import { DynamoAttemptRepository } from './attempt-store.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoJobRepository } from './content-store.ts';
import { platformProbes } from './health-probes.ts';
import { systemRuntime } from './wiring.ts';

export function adminStatusPorts(): AdminStatusPorts {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const apiName = optionalSetting('apiName');
  const jobs = new DynamoJobRepository(client, tableName);
  // The table's probe is a Query (what this function may do), not /health's DescribeTable.
  const table: DependencyProbe = {
    name: 'table',
    kind: 'table',
    check: () => jobs.list({ status: 'failed' }, { limit: 1 }),
  };
  return {
    probes: [table, ...platformProbes().filter((probe) => probe.kind !== 'table')],
    jobs,
    catalog: new DynamoCatalogRepository(client, tableName),
    attempts: new DynamoAttemptRepository(client, tableName),
    requests: apiName ? new CloudWatchApiRequestStats(cloudWatchClient(), apiName) : localApiRequestStats,
    runtime: systemRuntime,
  };
}

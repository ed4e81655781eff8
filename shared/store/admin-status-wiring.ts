/**
 * Builds the admin status ports once per cold start: the health probes, runs and attempts in the table, the
 * catalog, and the API's request counts from CloudWatch when `API_NAME` names the API (AWS), from the local
 * gateway's request log otherwise.
 */
import { cloudWatchClient, dynamoDb } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { AdminStatusPorts } from '../use-cases/admin-status.ts';
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
  return {
    probes: platformProbes(),
    jobs: new DynamoJobRepository(client, tableName),
    catalog: new DynamoCatalogRepository(client, tableName),
    attempts: new DynamoAttemptRepository(client, tableName),
    requests: apiName ? new CloudWatchApiRequestStats(cloudWatchClient(), apiName) : localApiRequestStats,
    runtime: systemRuntime,
  };
}

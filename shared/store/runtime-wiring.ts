/** Builds the runtime ports once per cold start: attempts, enrollments, the catalog, content versions. */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { emitLoadTime } from '../metrics.ts';
import type { PerformanceDeps } from '../use-cases/course-performance.ts';
import type { RuntimeDeps } from '../use-cases/runtime.ts';
import { DynamoAttemptRepository, PERFORMANCE_ATTEMPTS_LIMIT } from './attempt-store.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoContentRepository } from './content-store.ts';
import { enrollmentPorts } from './enrollment-wiring.ts';

/** @param options.contentDelivery the function launches (needs where content is served) */
export function runtimePorts(options: { contentDelivery?: boolean } = {}): RuntimeDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const enrollment = enrollmentPorts();
  return {
    ...enrollment,
    attempts: new DynamoAttemptRepository(client, tableName),
    contents: new DynamoContentRepository(client, tableName),
    contentBaseUrl: options.contentDelivery ? requireSetting('contentBaseUrl') : '',
    recordLoadTime: emitLoadTime,
  };
}

export function performancePorts(): PerformanceDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    catalog: new DynamoCatalogRepository(client, tableName),
    attempts: new DynamoAttemptRepository(client, tableName),
    runtime: enrollmentPorts().runtime,
    limit: PERFORMANCE_ATTEMPTS_LIMIT,
  };
}

/**
 * Builds the DynamoDB-backed ports once per cold start. Handlers call these at module load, so a missing
 * TABLE_NAME fails the function's init with the variable's name rather than its first request.
 */
import { randomUUID } from 'node:crypto';
import { dynamoDb, s3Client } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { ImportDeps } from '../use-cases/package-import.ts';
import type { AuditTrail, DepartmentRepository, Runtime, UserRepository } from '../use-cases/ports.ts';
import { DynamoAuditTrail } from './audit-store.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoContentRepository, DynamoJobRepository } from './content-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { S3PackageStorage } from './package-storage.ts';
import { DynamoUserRepository } from './user-store.ts';

export const systemRuntime: Runtime = { now: () => new Date(), newId: () => randomUUID() };

export interface OrganisationPorts {
  users: UserRepository;
  departments: DepartmentRepository;
  audit: AuditTrail;
  runtime: Runtime;
}

export function organisationPorts(): OrganisationPorts {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    audit: new DynamoAuditTrail(client, tableName),
    runtime: systemRuntime,
  };
}

/** Everything the catalog, lifecycle and package-import use cases need; buckets only where bound. */
export function catalogPorts(): ImportDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const contents = new DynamoContentRepository(client, tableName);
  return {
    catalog: new DynamoCatalogRepository(client, tableName),
    users: new DynamoUserRepository(client, tableName),
    runtime: systemRuntime,
    content: contents,
    contents,
    jobs: new DynamoJobRepository(client, tableName),
    storage: new S3PackageStorage(s3Client(), {
      uploads: optionalSetting('uploadsBucket'),
      content: optionalSetting('contentBucket'),
    }),
  };
}

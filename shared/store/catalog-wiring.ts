/**
 * Builds the catalog's ports once per cold start: its own module, so that the people and department handlers
 * do not bundle (or initialise) the catalog, content and S3 adapters.
 */
import { dynamoDb, s3Client, s3PresignerClient } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { ImportDeps } from '../use-cases/package-import.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoContentRepository, DynamoJobRepository } from './content-store.ts';
import { S3PackageStorage } from './package-storage.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

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
    storage: new S3PackageStorage(s3Client(), s3PresignerClient(), {
      uploads: optionalSetting('uploadsBucket'),
      content: optionalSetting('contentBucket'),
    }),
  };
}

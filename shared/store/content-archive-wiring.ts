/** The ports of content archival and of an unarchive's content restore, built once per cold start. */
import { dynamoDb, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { ArchivalDeps, ContentArchiveDeps } from '../use-cases/archival.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { S3ContentArchive } from './content-archive.ts';
import { DynamoContentStorageMarks } from './content-archive-store.ts';
import { DynamoContentRepository, DynamoJobRepository } from './content-store.ts';
import { DynamoSettingsRepository } from './settings-store.ts';
import { systemRuntime } from './wiring.ts';

export function contentArchivePorts(): ContentArchiveDeps {
  const tableName = requireSetting('tableName');
  return {
    jobs: new DynamoJobRepository(dynamoDb(), tableName),
    runtime: systemRuntime,
    contents: new DynamoContentRepository(dynamoDb(), tableName),
    storageMarks: new DynamoContentStorageMarks(dynamoDb(), tableName),
    archive: new S3ContentArchive(s3Client(), requireSetting('contentBucket')),
  };
}

export function archivalPorts(): ArchivalDeps {
  const tableName = requireSetting('tableName');
  return {
    ...contentArchivePorts(),
    catalog: new DynamoCatalogRepository(dynamoDb(), tableName),
    settings: new DynamoSettingsRepository(dynamoDb(), tableName),
  };
}

/**
 * Builds the backup ports once per cold start: job runs in the table, files in the backups bucket (and the
 * content bucket's inventory), the live table and the restore tables. A function not bound to a bucket gets
 * an error naming it when it reaches for it.
 */
import { dynamoDb, dynamoDbClient, s3Client } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { BackupPorts } from '../use-cases/backups.ts';
import { S3BackupFiles } from './backup-files.ts';
import { DynamoBackupTables } from './backup-tables.ts';
import { DynamoJobRepository } from './content-store.ts';
import { systemRuntime } from './wiring.ts';

export function backupPorts(): BackupPorts {
  const tableName = requireSetting('tableName');
  return {
    jobs: new DynamoJobRepository(dynamoDb(), tableName),
    runtime: systemRuntime,
    files: new S3BackupFiles(s3Client(), {
      backups: optionalSetting('backupsBucket'),
      content: optionalSetting('contentBucket'),
    }),
    tables: new DynamoBackupTables(dynamoDbClient(), tableName),
  };
}

/**
 * A backup run in a process of its own, so a test can `kill -9` it half way (backup-restore.test.ts). It runs
 * with the local stack's environment (the parent's), backs up the table named, holding the lock named, and
 * prints one JSON line with its run id, then one per progress report (`{ items }`).
 *
 *   node --import tsx backup-child.ts <table> <lock>
 */
import { dynamoDb, dynamoDbClient, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { S3BackupFiles } from '../../shared/store/backup-files.ts';
import { DynamoBackupTables } from '../../shared/store/backup-tables.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import { type BackupPorts, takeBackup } from '../../shared/use-cases/backups.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';

const [tableName, lock] = process.argv.slice(2);
if (!tableName || !lock) throw new Error('usage: backup-child.ts <table> <lock>');

const ports: BackupPorts = {
  jobs: new DynamoJobRepository(dynamoDb(), requireSetting('tableName')),
  runtime: systemRuntime,
  files: new S3BackupFiles(s3Client(), {
    backups: requireSetting('backupsBucket'),
    content: requireSetting('contentBucket'),
  }),
  tables: new DynamoBackupTables(dynamoDbClient(), tableName),
};
const report = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const started = await startJobRun(ports, systemActor('test:backup-child', 'child'), {
  type: 'backup',
  lock,
  input: { reason: 'requested' },
});
report({ jobId: started.id });
await runJob(
  ports,
  started,
  (run) =>
    takeBackup(ports, {
      ...run,
      progress: async (step, done, total, counts) => {
        report({ items: done });
        await run.progress(step, done, total, counts);
      },
    }),
  { lock },
);
report({ done: true });

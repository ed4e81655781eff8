/**
 * The logical backup of a table of 50,000 items of every entity type (parallel Scan, gzip NDJSON per
 * segment streamed to the backups bucket with SHA-256s, the content inventory, the manifest) against a raw
 * parallel Scan of the same table with the same 8 segments that does nothing with the items, in the same
 * run. Reported: the median over rounds of items/s(backup) / items/s(raw Scan), the order alternating.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { localTableDefinition } from '../../infra/local/resources.ts';
import { dynamoDb, dynamoDbClient, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { S3BackupFiles } from '../../shared/store/backup-files.ts';
import { DynamoBackupTables } from '../../shared/store/backup-tables.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { parallelScan } from '../../shared/store/table-scan.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import { type BackupPorts, DEFAULT_SEGMENTS, takeBackup } from '../../shared/use-cases/backups.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import { type GeneratedEntity, writeGeneratedItems } from '../support/backup-items.ts';
import { type Figure, median } from './figures.ts';

const ROUNDS = 5;
/** 50,000 items: the test's mix of entity types, halved. */
const COUNTS: Readonly<Partial<Record<GeneratedEntity, number>>> = {
  user: 6_000,
  department: 200,
  claim: 6_000,
  course: 750,
  'content-version': 750,
  enrollment: 15_000,
  'waitlist-entry': 500,
  cohort: 150,
  'cohort-member': 4_000,
  'cohort-link': 250,
  audit: 7_500,
  job: 250,
  'import-change': 1_500,
  'sign-in': 2_500,
  attempt: 2_500,
  'xapi-statement': 1_350,
  unknown: 800,
};
const ITEMS = 50_000;

export async function benchBackup(): Promise<Figure[]> {
  const tableName = `lms-bench-backup-${randomUUID().slice(0, 8)}`;
  const { StreamSpecification: _noStream, ...definition } = localTableDefinition(tableName);
  await dynamoDbClient().send(new CreateTableCommand(definition));
  await waitUntilTableExists(
    { client: dynamoDbClient(), maxWaitTime: 60, minDelay: 1 },
    { TableName: tableName },
  );
  try {
    const written = await writeGeneratedItems(dynamoDbClient(), tableName, COUNTS, 24);
    if (written !== ITEMS) throw new Error(`wrote ${written} items, not ${ITEMS}`);
    const ports: BackupPorts = {
      jobs: new DynamoJobRepository(dynamoDb(), requireSetting('tableName')),
      runtime: systemRuntime,
      files: new S3BackupFiles(s3Client(), {
        backups: requireSetting('backupsBucket'),
        content: requireSetting('contentBucket'),
      }),
      tables: new DynamoBackupTables(dynamoDbClient(), tableName),
    };
    const lock = `bench-backup-${randomUUID().slice(0, 8)}`;
    const backup = async () => {
      const started = await startJobRun(ports, systemActor('bench', 'bench', ['admin']), {
        type: 'backup',
        lock,
      });
      const begun = performance.now();
      const done = await runJob(ports, started, (run) => takeBackup(ports, run), { lock });
      if (done.counts.items !== ITEMS) throw new Error(`backed up ${done.counts.items} of ${ITEMS}`);
      return ITEMS / ((performance.now() - begun) / 1000);
    };
    const rawScan = async () => {
      const begun = performance.now();
      const read = await parallelScan(dynamoDbClient(), {
        tableName,
        segments: DEFAULT_SEGMENTS,
        onPage: () => undefined,
      });
      const items = read.reduce((sum, count) => sum + count, 0);
      if (items !== ITEMS) throw new Error(`scanned ${items} of ${ITEMS}`);
      return ITEMS / ((performance.now() - begun) / 1000);
    };
    await rawScan(); // warm-up: the engine's first pass over a new table
    const ratios: number[] = [];
    const ours: number[] = [];
    const raws: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const first = round % 2 === 0 ? backup : rawScan;
      const second = first === backup ? rawScan : backup;
      const a = await first();
      const b = await second();
      const [viaBackup, viaScan] = first === backup ? [a, b] : [b, a];
      ours.push(viaBackup);
      raws.push(viaScan);
      ratios.push(viaBackup / viaScan);
    }
    return [
      {
        id: 'backup.items-per-s.ratio',
        value: median(ratios),
        unit: 'x',
        op: '>=',
        target: 0.6,
        note: `The logical backup of ${ITEMS.toLocaleString('en')} items (${DEFAULT_SEGMENTS} Scan segments, gzip NDJSON streamed to S3 with SHA-256s, inventory, manifest) vs a raw parallel Scan of the same table with the same segments, median of ${ROUNDS} rounds (${Math.round(median(ours))} vs ${Math.round(median(raws))} items/s)`,
      },
    ];
  } finally {
    await dynamoDbClient().send(new DeleteTableCommand({ TableName: tableName }));
  }
}

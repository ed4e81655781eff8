/**
 * The logical backup, proven on 100,000 items of every entity type (issue 14, "Done when"): backup, wipe,
 * restore (through a DynamoDB client that leaves part of each batch unprocessed, as a busy table does),
 * compare item by item: 0 differences, and the counts per type the test wrote. A tampered segment is caught
 * by its SHA-256 and the restore refuses it, writing nothing. (The drill runs over HTTP in test/e2e/backups.test.ts.) A backup killed (`kill -9`) half way is never
 * complete, its run is recorded abandoned once its lease lapses, and the next run completes.
 *
 * It runs on a table of its own in the same DynamoDB Local (dropped afterwards), never the shared one; the
 * backup files go to the local stack's backups bucket, and the runs are recorded as every run is.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTableDefinition } from '../../infra/local/resources.ts';
import { dynamoDb, dynamoDbClient, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { backupKeys } from '../../shared/domain/backup.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { S3BackupFiles } from '../../shared/store/backup-files.ts';
import { DynamoBackupTables } from '../../shared/store/backup-tables.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { parallelScan, type RawItem } from '../../shared/store/table-scan.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import {
  type BackupPorts,
  BackupTamperedError,
  listBackups,
  runRestore,
  takeBackup,
} from '../../shared/use-cases/backups.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import {
  comparable,
  type GeneratedEntity,
  generatedItem,
  generatedOrigin,
  writeGeneratedItems,
} from '../support/backup-items.ts';
import { injectDynamoDbFaults } from '../support/dynamodb-faults.ts';

/** 100,000 items, every entity type (and items without one). */
const COUNTS: Readonly<Record<GeneratedEntity, number>> = {
  user: 12_000,
  department: 400,
  claim: 12_000,
  'admin-seat': 50,
  course: 1_500,
  category: 100,
  'learning-path': 200,
  'content-version': 1_500,
  enrollment: 30_000,
  'waitlist-entry': 1_000,
  cohort: 300,
  'cohort-member': 8_000,
  'cohort-link': 500,
  audit: 15_000,
  job: 500,
  'job-lock': 10,
  import: 100,
  'import-change': 3_000,
  'import-waiting': 40,
  'identity-provider': 5,
  'api-client': 20,
  'scim-token': 25,
  'sign-in': 5_000,
  attempt: 5_000,
  'xapi-statement': 2_700,
  unknown: 1_050,
};
const TOTAL = 100_000;
/** Short, so the killed run's lease lapses in seconds (the child runs with the same). */
const LEASE_SECONDS = 4;

const tableName = `lms-backup-test-${randomUUID().slice(0, 8)}`;
const lock = `backup-test-${randomUUID().slice(0, 8)}`;
const admin = systemActor('test:backup-restore', 'test', ['admin']);
const laps: string[] = [];
let lapStart = Date.now();
const lap = (name: string) => {
  laps.push(`${name} ${((Date.now() - lapStart) / 1000).toFixed(1)} s`);
  lapStart = Date.now();
};

function portsOn(client: DynamoDBClient = dynamoDbClient()): BackupPorts {
  return {
    jobs: new DynamoJobRepository(dynamoDb(), requireSetting('tableName')),
    runtime: systemRuntime,
    files: new S3BackupFiles(s3Client(), {
      backups: requireSetting('backupsBucket'),
      content: requireSetting('contentBucket'),
    }),
    // Retries fast: the faults below leave work unprocessed on purpose.
    tables: new DynamoBackupTables(client, tableName, { attempts: 12, baseDelayMs: 5 }),
  };
}

async function createTable(): Promise<void> {
  const { StreamSpecification: _noStream, ...definition } = localTableDefinition(tableName);
  await dynamoDbClient().send(new CreateTableCommand(definition));
  await waitUntilTableExists(
    { client: dynamoDbClient(), maxWaitTime: 60, minDelay: 1 },
    { TableName: tableName },
  );
}

async function scanAll(name: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  await parallelScan(dynamoDbClient(), {
    tableName: name,
    segments: 8,
    onPage: (_segment, page) => {
      items.push(...page);
    },
  });
  return items;
}

async function countItems(name: string): Promise<number> {
  const segments = Array.from({ length: 4 }, (_, segment) => segment);
  const counts = await Promise.all(
    segments.map(async (segment) => {
      let count = 0;
      let startKey: RawItem | undefined;
      do {
        const page = await dynamoDbClient().send(
          new ScanCommand({
            TableName: name,
            Select: 'COUNT',
            Segment: segment,
            TotalSegments: segments.length,
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

async function backupNow(ports: BackupPorts) {
  const started = await startJobRun(ports, admin, { type: 'backup', lock, input: { reason: 'requested' } });
  return runJob(ports, started, (run) => takeBackup(ports, run), { lock });
}

beforeAll(async () => {
  process.env.LMS_JOB_LEASE_SECONDS = String(LEASE_SECONDS);
  await createTable();
  const written = await writeGeneratedItems(dynamoDbClient(), tableName, COUNTS, 24);
  expect(written).toBe(TOTAL);
  lap('write 100,000 items');
}, 180_000);

afterAll(async () => {
  delete process.env.LMS_JOB_LEASE_SECONDS;
  await dynamoDbClient()
    .send(new DeleteTableCommand({ TableName: tableName }))
    .catch(() => undefined);
  console.info(`backup-restore: ${laps.join(', ')}`);
});

describe('the logical backup of 100,000 items', () => {
  let backupId = '';

  it('backs up every item: a manifest with the counts per entity type the test wrote, and a SHA-256 per file', async () => {
    // Act
    const done = await backupNow(portsOn());
    lap('backup');

    // Assess
    expect(done).toMatchObject({ status: 'succeeded', counts: { items: TOTAL, segments: 8, files: 8 } });
    backupId = done.id;
    const manifest = await portsOn().files.readManifest(backupId);
    expect(manifest?.counts).toEqual({ byEntity: { ...COUNTS }, total: TOTAL });
    expect(manifest?.files.map((file) => file.key)).toEqual(
      Array.from({ length: 8 }, (_, n) => `logical/${backupId}/segment-${n}.ndjson.gz`),
    );
    expect(manifest?.files.reduce((sum, file) => sum + file.items, 0)).toBe(TOTAL);
    expect(manifest?.files.every((file) => /^[0-9a-f]{64}$/.test(file.sha256) && file.bytes > 0)).toBe(true);
    expect(manifest?.contentInventory.key).toBe(`logical/${backupId}/content-inventory.ndjson.gz`);
    const listed = await listBackups(portsOn(), { limit: 100 });
    expect(listed.items.find((backup) => backup.id === backupId)).toMatchObject({
      status: 'complete',
      totalItems: TOTAL,
      counts: { user: 12_000, enrollment: 30_000, audit: 15_000, unknown: 1_050 },
    });
  }, 120_000);

  it('wiped, the table is restored from the backup through a busy table: every item back, byte for byte', async () => {
    // Prepare: wipe
    await dynamoDbClient().send(new DeleteTableCommand({ TableName: tableName }));
    await createTable();
    expect(await countItems(tableName)).toBe(0);
    const busy = new DynamoDBClient({});
    const faults = injectDynamoDbFaults(busy, { seed: 14, unprocessed: 0.3, throttled: 0 });
    const ports = portsOn(busy);
    const confirm = `restore ${backupId} in place`;
    const started = await startJobRun(ports, admin, {
      type: 'restore',
      lock: `${lock}-restore`,
      input: { backupId, target: 'in-place', confirm },
    });
    lapStart = Date.now();

    // Act
    const done = await runJob(ports, started, (run) => runRestore(ports, run), { lock: `${lock}-restore` });
    lap('restore in place');

    // Assess: the restore, and the batches it had to send again
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ target: 'in-place', written: TOTAL, unchanged: 0, deleted: 0 });
    expect(faults.unprocessedRequests).toBeGreaterThan(0);
    // Assess: every item, compared with the one the test wrote
    const restored = await scanAll(tableName);
    lap('read back');
    const byEntity: Record<string, number> = {};
    const differing: string[] = [];
    const unmarked: string[] = [];
    for (const { restoredBy, ...item } of restored) {
      const { entity, index } = generatedOrigin(item);
      byEntity[entity] = (byEntity[entity] ?? 0) + 1;
      if (comparable(item) !== comparable(generatedItem(entity, index))) differing.push(String(item.pk?.S));
      // Audit records put back are marked, so the domain-event publisher does not publish them again.
      if (entity === 'audit' && restoredBy?.S !== started.id) unmarked.push(String(item.pk?.S));
    }
    expect(differing).toEqual([]);
    expect(unmarked).toEqual([]);
    expect(restored).toHaveLength(TOTAL);
    expect(byEntity).toEqual({ ...COUNTS });
  }, 180_000);

  it('a tampered segment is caught by its SHA-256: the restore refuses it and writes nothing', async () => {
    // Prepare: one item of segment 3 changed, the file gzipped again and put back (s3rver has no object lock)
    const ports = portsOn();
    const key = backupKeys.segment(backupId, 3);
    const bucket = requireSetting('backupsBucket');
    const original = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const lines = gunzipSync(Buffer.from(await (original.Body?.transformToByteArray() ?? [])))
      .toString('utf8')
      .split('\n');
    const changed = JSON.parse(lines[0] as string) as RawItem;
    const changedKey = { pk: String(changed.pk?.S), sk: String(changed.sk?.S) };
    const origin = generatedOrigin(changed);
    changed.version = { N: '999' };
    lines[0] = JSON.stringify(changed);
    await s3Client().send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(lines.join('\n')) }),
    );
    const started = await startJobRun(ports, admin, {
      type: 'restore',
      lock: `${lock}-restore`,
      input: { backupId, target: 'in-place' },
    });

    // Act
    const refused = await runJob(ports, started, (run) => runRestore(ports, run), {
      lock: `${lock}-restore`,
    }).catch((error: unknown) => error);

    // Assess: refused, naming the file; no backup of the current state taken, nothing written
    expect(refused).toBeInstanceOf(BackupTamperedError);
    const failed = await ports.jobs.get(started.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.failure?.message).toContain(key);
    expect(failed?.outputs.preRestoreBackup).toBeUndefined();
    expect(await countItems(tableName)).toBe(TOTAL);
    const { Item: stillThere } = await dynamoDbClient().send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: changedKey.pk }, sk: { S: changedKey.sk } },
      }),
    );
    expect(stillThere && comparable(stillThere)).toBe(comparable(generatedItem(origin.entity, origin.index)));
  }, 120_000);

  it('a backup killed (kill -9) half way is never complete; its run is abandoned once the lease lapses; the next run completes', async () => {
    // Prepare: a backup run in a child process, with the same short lease
    const ports = portsOn();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '..', 'support', 'backup-child.ts'), tableName, lock],
      {
        env: { ...process.env, LMS_JOB_LEASE_SECONDS: String(LEASE_SECONDS) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let childOut = '';
    let childErr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      childOut += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      childErr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    lapStart = Date.now();

    // Act 1: kill it once it has backed up a fifth of the items
    let killedAt = 0;
    for (;;) {
      const lines = childOut.trim().split('\n').filter(Boolean);
      const last = lines.length > 0 ? (JSON.parse(lines.at(-1) as string) as { items?: number }) : {};
      if ((last.items ?? 0) >= TOTAL / 5) {
        child.kill('SIGKILL');
        killedAt = last.items ?? 0;
        break;
      }
      if (child.exitCode !== null) throw new Error(`the backup child exited early: ${childErr || childOut}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await exited).toBe('SIGKILL');
    const killedId = (JSON.parse(childOut.split('\n')[0] as string) as { jobId: string }).jobId;
    lap(`backup until killed at ${killedAt} items`);

    // Assess 1: running, without a manifest: not complete
    expect((await listBackups(ports, { limit: 100 })).items.find((b) => b.id === killedId)?.status).toBe(
      'running',
    );
    expect(await ports.files.readManifest(killedId)).toBeUndefined();

    // Act 2: once its lease lapsed, the next run takes over
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 1) * 1000));
    const next = await backupNow(ports);
    lap('lease wait and the next backup');

    // Assess 2: the killed one failed (abandoned), never complete; the next one complete with the right counts
    const listed = (await listBackups(ports, { limit: 100 })).items;
    expect(listed.find((backup) => backup.id === killedId)).toMatchObject({
      status: 'failed',
      failure: { code: 'abandoned' },
      totalItems: null,
    });
    expect(await ports.files.readManifest(killedId)).toBeUndefined();
    expect(next.status).toBe('succeeded');
    expect(listed.find((backup) => backup.id === next.id)).toMatchObject({
      status: 'complete',
      totalItems: TOTAL,
    });
    expect((await ports.files.readManifest(next.id))?.counts).toEqual({
      byEntity: { ...COUNTS },
      total: TOTAL,
    });
  }, 120_000);
});

/**
 * The logical backup, its restores and the restore drill. Each is a job run (kind `backup`, `restore`,
 * `drill`), requested by an admin or a schedule and run by a worker from its work queue.
 *
 * Backup: 1. a parallel Scan streams each segment's items (DynamoDB's attribute-value JSON, lossless) to its
 * own gzip NDJSON file; 2. the content bucket's object versions go to the inventory file; 3. the manifest
 * (counts per entity type, a SHA-256 per file) is written last. A run that dies before the manifest leaves no
 * complete backup: its run is recorded failed (`abandoned`) and the next run starts clean under a new id.
 *
 * Restore and drill: 1. every file's SHA-256 is checked against the manifest before anything is written (a
 * tampered file refuses the restore); 2. the items are written, into a new table (`new-table`, the drill's
 * scratch table) or into the live one (`in-place`: a backup of the current state first, then only what
 * differs is written and what the backup lacks is deleted). The drill then compares the scratch table with
 * the backup item by item, and drops it.
 *
 * Where backups are listed from: the job runs of kind `backup` (an index in the table, newest first, paged).
 * A run is recorded succeeded only after its manifest is written, so `complete` in the list means a manifest
 * exists; the manifest itself, in the backups bucket, is read for `GET /backups/{id}` and for every restore.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  BACKUP_FORMAT_VERSION,
  BACKUP_MAX_AGE_HOURS,
  type Backup,
  type BackupDetail,
  type BackupManifest,
  type BackupStatus,
  backupKeys,
  type ContentObjectVersion,
  type DrillDifference,
  type DrillResult,
  inPlaceConfirmation,
  MAX_LISTED_DIFFERENCES,
  type RestoreBody,
} from '../domain/backup.ts';
import { BusinessRuleError, NotFoundError } from '../domain/errors.ts';
import type { Job } from '../domain/job.ts';
import { type Actor, systemActor } from '../domain/principal.ts';
import {
  type JobRunOutcome,
  type JobRunPorts,
  type JobRunProgress,
  type RunQueue,
  requestJobRun,
  runJob,
  startJobRun,
} from './job-runs.ts';
import type { Page, PageRequest } from './ports.ts';

export type RawItem = Record<string, AttributeValue>;

/** A file as stored: its key, the SHA-256 of its bytes, its size. */
export interface StoredFile {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A gzip NDJSON file being written, streamed. */
export interface BackupFileWriter {
  /** Appends text (whole lines); waits while the upload catches up. */
  write(text: string): Promise<void>;
  /** Ends the file and waits until it is stored. */
  close(): Promise<StoredFile>;
  /** Drops what was uploaded so far (a failed backup). */
  abort(): Promise<void>;
}

/** The backups bucket (and the content bucket's inventory). */
export interface BackupFiles {
  openFile(key: string): BackupFileWriter;
  writeManifest(manifest: BackupManifest): Promise<void>;
  readManifest(backupId: string): Promise<BackupManifest | undefined>;
  /** The SHA-256 and size of the bytes stored at `key`. */
  checksum(key: string): Promise<StoredFile>;
  /** The lines of a gzip NDJSON file, in order. */
  readLines(key: string): AsyncIterable<string>;
  /** Every object version of the content bucket, page by page. */
  contentVersions(): AsyncIterable<ContentObjectVersion[]>;
}

/** The live table and the restore tables. */
export interface BackupTables {
  /** The LMS table. */
  readonly liveTable: string;
  scan(
    tableName: string,
    segments: number,
    onPage: (segment: number, items: RawItem[]) => Promise<void> | void,
  ): Promise<number[]>;
  /** Creates a table with the LMS table's keys and indexes (and TTL), and waits until it is active. */
  createTable(tableName: string, options: { timeToLive: boolean }): Promise<void>;
  deleteTable(tableName: string): Promise<void>;
  /** Up to 25 puts or deletes, retried until all are processed. */
  writeBatch(tableName: string, requests: WriteRequest[]): Promise<void>;
}

export interface BackupPorts extends JobRunPorts {
  readonly files: BackupFiles;
  readonly tables: BackupTables;
}

/** Parallel Scan segments of a backup, unless asked otherwise. */
export const DEFAULT_SEGMENTS = 8;
/** Files read at once by a restore, and batch writes in flight per file. */
const FILES_AT_ONCE = 4;
const BATCHES_PER_FILE = 4;
const BATCH_ITEMS = 25;

/**
 * Job runs and their locks: history and coordination (the restore's own run and lock among them). An in-place
 * restore puts back the ones the live table lacks (a lock only if its lease has lapsed), and never overwrites
 * nor deletes one.
 */
const KEPT_BY_IN_PLACE_RESTORE = new Set(['job', 'job-lock']);

/** A backup file whose bytes are not the ones its manifest names: tampered with, or damaged. */
export class BackupTamperedError extends BusinessRuleError {
  readonly code = 'checksum-mismatch';
  constructor(backupId: string, key: string, detail: string) {
    super(
      `Backup ${backupId} cannot be restored: ${key} does not match its manifest (${detail}); the file was changed or damaged after the backup. Nothing was written.`,
    );
  }
}

// ------------------------------------------------------------------------------------------------ backup

/** `POST /backups`: requests a backup run (one at a time: an overlapping request names the run under way). */
export function requestBackup(
  ports: JobRunPorts & { readonly queue: RunQueue },
  actor: Actor,
  options: { segments?: number | undefined } = {},
): Promise<Job> {
  return requestJobRun(ports, actor, {
    type: 'backup',
    target: (id) => `backup:${id}`,
    input: { reason: 'requested', segments: options.segments ?? DEFAULT_SEGMENTS },
    audited: true,
  });
}

/** The work of a backup run: the run's id is the backup's id. */
export async function takeBackup(
  ports: BackupPorts,
  run: JobRunProgress,
  options: { segments?: number | undefined } = {},
): Promise<JobRunOutcome> {
  const backupId = run.job().id;
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const startedAt = ports.runtime.now().toISOString();
  const byEntity: Record<string, number> = {};
  let total = 0;
  const segmentFiles = Array.from({ length: segments }, (_, n) => ({
    writer: ports.files.openFile(backupKeys.segment(backupId, n)),
    items: 0,
  }));
  const inventory = ports.files.openFile(backupKeys.contentInventory(backupId));
  const progress = progressOf(run);
  try {
    // 1. Every item, by segment.
    await ports.tables.scan(ports.tables.liveTable, segments, async (segment, items) => {
      let text = '';
      for (const item of items) {
        text += `${itemToJson(item)}\n`;
        const entity = entityOf(item);
        byEntity[entity] = (byEntity[entity] ?? 0) + 1;
      }
      const file = segmentFiles[segment] as (typeof segmentFiles)[number];
      file.items += items.length;
      total += items.length;
      await file.writer.write(text);
      await progress('scan', total, 0, { items: total });
    });
    const files = await Promise.all(
      segmentFiles.map(async (file) => ({ ...(await file.writer.close()), items: file.items })),
    );
    await run.progress('content-inventory', total, 0, { items: total, segments });

    // 2. The content objects' inventory.
    let objects = 0;
    for await (const versions of ports.files.contentVersions()) {
      if (versions.length === 0) continue;
      await inventory.write(versions.map((version) => `${JSON.stringify(version)}\n`).join(''));
      objects += versions.length;
    }
    const inventoryFile = await inventory.close();

    // 3. The manifest, last: from here on the backup is complete.
    const manifest: BackupManifest = {
      formatVersion: BACKUP_FORMAT_VERSION,
      backupId,
      tableName: ports.tables.liveTable,
      startedAt,
      finishedAt: ports.runtime.now().toISOString(),
      segments,
      counts: { byEntity: sortedRecord(byEntity), total },
      files,
      contentInventory: { ...inventoryFile, objects },
    };
    await ports.files.writeManifest(manifest);
    run.output('manifest', backupKeys.manifest(backupId));
    const sizeBytes = files.reduce((sum, file) => sum + file.bytes, inventoryFile.bytes);
    return {
      result: { backupId, counts: manifest.counts, sizeBytes, contentObjects: objects },
      counts: { items: total, segments, files: files.length, contentObjects: objects },
    };
  } catch (error) {
    await Promise.all([...segmentFiles.map((file) => file.writer.abort()), inventory.abort()]);
    throw error;
  }
}

/**
 * A backup run started and run here: an in-place restore's backup of the current state, whose progress is
 * also reported to the restore run (`outer`), so that the restore keeps its own lease meanwhile.
 */
export async function runBackupNow(
  ports: BackupPorts,
  actor: Actor,
  reason: 'pre-restore',
  outer: JobRunProgress,
): Promise<Job> {
  const started = await startJobRun(ports, actor, {
    type: 'backup',
    target: (id) => `backup:${id}`,
    input: { reason, segments: DEFAULT_SEGMENTS },
  });
  const reportOuter = progressOf(outer);
  return runJob(ports, started, (run) =>
    takeBackup(ports, {
      ...run,
      progress: async (step, done, total, counts) => {
        await run.progress(step, done, total, counts);
        await reportOuter('pre-restore-backup', done, total);
      },
    }),
  );
}

/** `GET /backups`: newest first. */
export async function listBackups(ports: JobRunPorts, page: PageRequest): Promise<Page<Backup>> {
  const runs = await ports.jobs.list({ type: 'backup' }, page);
  return { items: runs.items.map(backupOfRun), nextCursor: runs.nextCursor };
}

/** `GET /backups/{id}`: with its manifest when complete. */
export async function getBackup(
  ports: JobRunPorts & { readonly files: BackupFiles },
  id: string,
): Promise<BackupDetail> {
  const backup = await backupRun(ports, id);
  const manifest = backup.status === 'complete' ? ((await ports.files.readManifest(id)) ?? null) : null;
  return { ...backup, manifest };
}

async function backupRun(ports: JobRunPorts, id: string): Promise<Backup> {
  const run = await ports.jobs.get(id);
  if (run?.type !== 'backup') throw new NotFoundError('backup', id);
  return backupOfRun(run);
}

function backupOfRun(run: Job): Backup {
  const result = (run.result ?? {}) as {
    counts?: { byEntity?: Record<string, number>; total?: number };
    sizeBytes?: number;
  };
  const status =
    run.status === 'succeeded'
      ? 'complete'
      : run.status === 'queued' || run.status === 'running'
        ? run.status
        : 'failed';
  const reason = run.input.reason;
  return {
    id: run.id,
    status,
    reason: reason === 'scheduled' || reason === 'pre-restore' ? reason : 'requested',
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    counts: status === 'complete' ? (result.counts?.byEntity ?? {}) : {},
    totalItems: status === 'complete' ? (result.counts?.total ?? null) : null,
    sizeBytes: status === 'complete' ? (result.sizeBytes ?? null) : null,
    failure: run.failure,
  };
}

// ----------------------------------------------------------------------------------------------- restore

/**
 * `POST /backups/{id}/restore`: a complete backup, and for `in-place` the typed phrase; then a restore run is
 * requested. Refusals change nothing.
 */
export async function requestRestore(
  ports: JobRunPorts & { readonly queue: RunQueue },
  actor: Actor,
  backupId: string,
  body: RestoreBody,
): Promise<Job> {
  await completeBackup(ports, backupId);
  if (body.target === 'in-place' && body.confirm !== inPlaceConfirmation(backupId)) {
    const message = `type "${inPlaceConfirmation(backupId)}" to replace the live data with this backup`;
    throw new BusinessRuleError(`An in-place restore needs its typed confirmation: ${message}.`, [
      { path: 'body.confirm', message },
    ]);
  }
  if (body.target === 'new-table' && body.confirm !== undefined && body.confirm !== true) {
    const message = 'a restore into a new table changes nothing live: send true, or leave it out';
    throw new BusinessRuleError(`Unexpected confirmation: ${message}.`, [{ path: 'body.confirm', message }]);
  }
  return requestJobRun(ports, actor, {
    type: 'restore',
    target: () => `backup:${backupId}`,
    input: { backupId, target: body.target },
    audited: true,
  });
}

/** `POST /backups/{id}/drill`: a drill of a complete backup. */
export async function requestDrill(
  ports: JobRunPorts & { readonly queue: RunQueue },
  actor: Actor,
  backupId: string,
): Promise<Job> {
  await completeBackup(ports, backupId);
  return requestJobRun(ports, actor, {
    type: 'drill',
    target: () => `backup:${backupId}`,
    input: { backupId, reason: 'requested' },
    audited: true,
  });
}

async function completeBackup(ports: JobRunPorts, backupId: string): Promise<Backup> {
  const backup = await backupRun(ports, backupId);
  if (backup.status !== 'complete')
    throw new BusinessRuleError(
      `Backup ${backupId} is ${backup.status}, not complete (it has no manifest): choose a complete backup (GET /backups).`,
    );
  return backup;
}

/** The work of a restore run (its input names the backup and the target). */
export async function runRestore(ports: BackupPorts, run: JobRunProgress): Promise<JobRunOutcome> {
  const job = run.job();
  const backupId = String(job.input.backupId);
  const manifest = await verifiedManifest(ports, backupId, run);
  if (job.input.target === 'in-place') return restoreInPlace(ports, run, manifest);

  const tableName = restoreTableName(ports, job.id);
  await run.progress('create-table', 0, manifest.counts.total);
  await ports.tables.createTable(tableName, { timeToLive: true });
  run.output('table', tableName);
  const written = await writeBackupInto(ports, run, manifest, tableName, (item) => item);
  return {
    result: { backupId, target: 'new-table', tableName, items: written.items },
    counts: { items: written.items },
  };
}

/** `<live table>-restore-<first 8 characters of the run id>`: the only names the restore grant covers. */
export function restoreTableName(ports: BackupPorts, runId: string): string {
  return `${ports.tables.liveTable}-restore-${runId.slice(0, 8)}`;
}

/**
 * Makes the live table equal the backup, after a backup of its current state: items that differ or are
 * missing are put, items the backup lacks deleted, identical items left alone (no write, no stream record).
 * Job runs and their locks are only put back when missing. Audit records put back carry `restoredBy`, which the
 * domain-event publisher skips: their events went out when the change first happened.
 */
async function restoreInPlace(
  ports: BackupPorts,
  run: JobRunProgress,
  manifest: BackupManifest,
): Promise<JobRunOutcome> {
  const restoreId = run.job().id;
  await run.progress('pre-restore-backup', 0, manifest.counts.total);
  const before = await runBackupNow(
    ports,
    systemActor('job:restore', restoreId, ['admin']),
    'pre-restore',
    run,
  );
  if (before.status !== 'succeeded')
    throw new Error(`The backup of the current state (${before.id}) failed: ${before.failure?.message}`);
  run.output('preRestoreBackup', before.id);

  const live = ports.tables.liveTable;
  const current = new Map<string, { key: RawItem; checksum: string; entity: string }>();
  const progress = progressOf(run);
  await ports.tables.scan(live, DEFAULT_SEGMENTS, async (_segment, items) => {
    for (const item of items) {
      const { restoredBy: _marker, ...stored } = item;
      current.set(keyOf(item), {
        key: primaryKey(item),
        checksum: itemChecksum(stored),
        entity: entityOf(item),
      });
    }
    await progress('read-live-table', current.size, manifest.counts.total);
  });

  let unchanged = 0;
  const startedAt = ports.runtime.now().toISOString();
  const written = await writeBackupInto(ports, run, manifest, live, (item) => {
    const key = keyOf(item);
    const stored = current.get(key);
    current.delete(key);
    const kept =
      stored && (stored.checksum === itemChecksum(item) || KEPT_BY_IN_PLACE_RESTORE.has(stored.entity));
    // A lock the backup caught held (its own run's, say) would block the next run until its lease ran out.
    const held = entityOf(item) === 'job-lock' && (item.leaseUntil?.S ?? '') > startedAt;
    if (kept || held) {
      unchanged++;
      return null;
    }
    return item.pk?.S?.startsWith('AUDIT#') ? { ...item, restoredBy: { S: restoreId } } : item;
  });

  const deletions = [...current.values()]
    .filter((entry) => !KEPT_BY_IN_PLACE_RESTORE.has(entry.entity))
    .map((entry) => ({ DeleteRequest: { Key: entry.key } }));
  await inParallel(chunks(deletions, BATCH_ITEMS), FILES_AT_ONCE * BATCHES_PER_FILE, async (batch) => {
    await ports.tables.writeBatch(live, batch);
  });
  return {
    result: {
      backupId: manifest.backupId,
      target: 'in-place',
      preRestoreBackupId: before.id,
      written: written.written,
      unchanged,
      deleted: deletions.length,
    },
    counts: { items: written.items, written: written.written, unchanged, deleted: deletions.length },
  };
}

// ------------------------------------------------------------------------------------------------- drill

/**
 * The work of a drill run: the backup its input names (the latest complete one for the weekly drill) is
 * restored into a scratch table, compared with the backup item by item, and the scratch table dropped,
 * whatever happened. Any difference records the run failed (`differences`).
 */
export async function runDrill(ports: BackupPorts, run: JobRunProgress): Promise<JobRunOutcome> {
  const job = run.job();
  const backupId =
    typeof job.input.backupId === 'string' ? job.input.backupId : await latestCompleteBackupId(ports);
  run.output('backup', backupId);
  const manifest = await verifiedManifest(ports, backupId, run);
  const scratch = restoreTableName(ports, job.id);
  await run.progress('create-table', 0, manifest.counts.total);
  // No TTL: DynamoDB would delete expired items from the scratch table, and the drill would count them missing.
  await ports.tables.createTable(scratch, { timeToLive: false });
  try {
    const expected = new Map<string, { checksum: string; entity: string }>();
    const byType: DrillResult['byType'] = {};
    const typeOf = (entity: string) => {
      byType[entity] ??= { backup: 0, restored: 0, differences: 0 };
      return byType[entity];
    };
    const written = await writeBackupInto(ports, run, manifest, scratch, (item) => {
      const entity = entityOf(item);
      expected.set(keyOf(item), { checksum: itemChecksum(item), entity });
      typeOf(entity).backup++;
      return item;
    });

    const differing: DrillDifference[] = [];
    let differences = 0;
    const differ = (difference: DrillDifference) => {
      differences++;
      typeOf(difference.entity).differences++;
      if (differing.length < MAX_LISTED_DIFFERENCES) differing.push(difference);
    };
    let compared = 0;
    const progress = progressOf(run);
    await ports.tables.scan(scratch, DEFAULT_SEGMENTS, async (_segment, items) => {
      for (const item of items) {
        const key = keyOf(item);
        const entity = entityOf(item);
        typeOf(entity).restored++;
        const backedUp = expected.get(key);
        expected.delete(key);
        if (!backedUp) differ({ key, kind: 'extra', entity });
        else if (backedUp.checksum !== itemChecksum(item)) differ({ key, kind: 'changed', entity });
      }
      compared += items.length;
      await progress('compare', compared, written.items);
    });
    for (const [key, { entity }] of expected) differ({ key, kind: 'missing', entity });

    const result: DrillResult = {
      backupId,
      items: written.items,
      differences,
      differing,
      byType: sortedRecord(byType),
      scratchTable: scratch,
    };
    return {
      result,
      counts: { items: written.items, differences },
      ...(differences > 0
        ? {
            failure: {
              code: 'differences',
              message: `The restore of backup ${backupId} differs from it in ${differences} items (see result.differing).`,
            },
          }
        : {}),
    };
  } finally {
    await ports.tables.deleteTable(scratch);
  }
}

async function latestCompleteBackupId(ports: JobRunPorts): Promise<string> {
  const latest = await ports.jobs.list({ type: 'backup', status: 'succeeded' }, { limit: 1 });
  const id = latest.items[0]?.id;
  if (!id) throw new NotFoundError('complete backup', 'any (take one first: POST /backups)');
  return id;
}

// ------------------------------------------------------------------------------------------------ status

/** `GET /backups/status`: the age of the last good backup and the result of the last drill. */
export async function backupStatus(ports: JobRunPorts, now: Date): Promise<BackupStatus> {
  const [backups, drills] = await Promise.all([
    ports.jobs.list({ type: 'backup', status: 'succeeded' }, { limit: 1 }),
    ports.jobs.list({ type: 'drill' }, { limit: 20 }),
  ]);
  const backup = backups.items[0];
  const lastBackup =
    backup?.finishedAt != null
      ? {
          id: backup.id,
          finishedAt: backup.finishedAt,
          ageHours: round((now.getTime() - Date.parse(backup.finishedAt)) / 3_600_000),
        }
      : null;
  const drill = drills.items.find((run) => run.finishedAt !== null);
  const drillResult = (drill?.result ?? {}) as Partial<DrillResult>;
  const lastDrill =
    drill?.finishedAt != null
      ? {
          id: drill.id,
          backupId: drillResult.backupId ?? (drill.input.backupId as string | undefined) ?? null,
          finishedAt: drill.finishedAt,
          items: drillResult.items ?? 0,
          differences: drillResult.differences ?? 0,
          ok: drill.status === 'succeeded',
        }
      : null;
  return {
    healthy: lastBackup !== null && lastBackup.ageHours < BACKUP_MAX_AGE_HOURS && lastDrill?.ok === true,
    lastBackup,
    lastDrill,
    maxAgeHours: BACKUP_MAX_AGE_HOURS,
  };
}

// ------------------------------------------------------------------------------------ reading a backup

/** The backup's manifest, once every file's SHA-256 and size are checked against it. */
async function verifiedManifest(
  ports: BackupPorts,
  backupId: string,
  run: JobRunProgress,
): Promise<BackupManifest> {
  const manifest = await ports.files.readManifest(backupId);
  if (!manifest) throw new NotFoundError('backup manifest', backupId);
  const files = [...manifest.files, manifest.contentInventory];
  let checked = 0;
  const progress = progressOf(run);
  await inParallel(files, FILES_AT_ONCE, async (file) => {
    const stored = await ports.files.checksum(file.key);
    if (stored.sha256 !== file.sha256)
      throw new BackupTamperedError(
        backupId,
        file.key,
        `SHA-256 ${stored.sha256}, the manifest says ${file.sha256}`,
      );
    if (stored.bytes !== file.bytes)
      throw new BackupTamperedError(
        backupId,
        file.key,
        `${stored.bytes} bytes, the manifest says ${file.bytes}`,
      );
    checked++;
    await progress('verify', checked, files.length);
  });
  return manifest;
}

/**
 * Streams every item of the backup into `tableName`, through `decide` (the item to put, or null to skip),
 * in batches of 25, several files and batches at once. Checks each file holds the items its manifest says.
 */
async function writeBackupInto(
  ports: BackupPorts,
  run: JobRunProgress,
  manifest: BackupManifest,
  tableName: string,
  decide: (item: RawItem) => RawItem | null,
): Promise<{ items: number; written: number }> {
  let items = 0;
  let written = 0;
  const progress = progressOf(run);
  await inParallel(manifest.files, FILES_AT_ONCE, async (file) => {
    let inFile = 0;
    let batch: WriteRequest[] = [];
    const inFlight = new Set<Promise<void>>();
    const flush = async () => {
      const requests = batch;
      batch = [];
      const sending = ports.tables.writeBatch(tableName, requests).then(() => {
        written += requests.length;
      });
      inFlight.add(sending);
      sending.then(
        () => inFlight.delete(sending),
        () => undefined,
      );
      if (inFlight.size >= BATCHES_PER_FILE) await Promise.race(inFlight);
    };
    for await (const line of ports.files.readLines(file.key)) {
      inFile++;
      items++;
      const item = decide(itemFromJson(line, file.key, inFile));
      if (item) {
        batch.push({ PutRequest: { Item: item } });
        if (batch.length === BATCH_ITEMS) await flush();
      }
      if (items % 1000 === 0) await progress('restore', items, manifest.counts.total, { items, written });
    }
    if (batch.length > 0) await flush();
    await Promise.all(inFlight);
    if (inFile !== file.items)
      throw new Error(
        `${file.key} holds ${inFile} items, its manifest says ${file.items}: the restore stopped.`,
      );
  });
  await run.progress('restore', items, manifest.counts.total, { items, written });
  return { items, written };
}

// --------------------------------------------------------------------------------------------- items

/**
 * An item as one NDJSON line, in DynamoDB's attribute-value JSON. Binary values (`B`, `BS`) are base64, as in
 * DynamoDB's own JSON; everything else is already text.
 */
export function itemToJson(item: RawItem): string {
  return JSON.stringify(item, function (this: Record<string, unknown>, key, value) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : value;
  });
}

/** An NDJSON line back into an item; binary values decoded. Not an item: the file is not a backup's. */
export function itemFromJson(line: string, file: string, lineNumber: number): RawItem {
  let item: unknown;
  try {
    item = JSON.parse(line, (key, value) => {
      if (key === 'B' && typeof value === 'string') return Buffer.from(value, 'base64');
      if (key === 'BS' && Array.isArray(value))
        return value.map((entry) => (typeof entry === 'string' ? Buffer.from(entry, 'base64') : entry));
      return value;
    });
  } catch {
    throw new Error(`${file} line ${lineNumber} is not JSON: the restore stopped.`);
  }
  const record = item as RawItem | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.pk?.S !== 'string' ||
    typeof record.sk?.S !== 'string'
  )
    throw new Error(`${file} line ${lineNumber} is not a table item (pk and sk): the restore stopped.`);
  return record;
}

/** The item's entity type (its `entity` attribute), `unknown` without one. */
export function entityOf(item: RawItem): string {
  return item.entity?.S ?? 'unknown';
}

function keyOf(item: RawItem): string {
  return `${item.pk?.S} | ${item.sk?.S}`;
}

function primaryKey(item: RawItem): RawItem {
  return { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
}

/**
 * A checksum of an item's attribute values: SHA-256 of its canonical JSON (keys sorted at every level, set
 * members sorted, since DynamoDB keeps no order in a set; binary as base64).
 */
export function itemChecksum(item: RawItem): string {
  return createHash('sha256')
    .update(canonical(JSON.parse(itemToJson(item))))
    .digest('base64url');
}

function canonical(value: unknown, type?: string): string {
  if (Array.isArray(value)) {
    const members = value.map((member) => canonical(member));
    if (type === 'SS' || type === 'NS' || type === 'BS') members.sort();
    return `[${members.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member, key)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ------------------------------------------------------------------------------------------------ helpers

/**
 * `run.progress` for concurrent workers (Scan segments, files): one report at a time, since each saves the
 * run over its last version; a report while one is being saved is skipped (the next one carries it).
 */
function progressOf(run: JobRunProgress): JobRunProgress['progress'] {
  let reporting: Promise<void> | undefined;
  return async (step, done, total, counts) => {
    if (reporting) return;
    reporting = run.progress(step, done, total, counts);
    try {
      await reporting;
    } finally {
      reporting = undefined;
    }
  };
}

/** Runs `work` on every item, at most `limit` at once; the first failure fails the whole (after the rest settle). */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function round(hours: number): number {
  return Math.round(hours * 100) / 100;
}

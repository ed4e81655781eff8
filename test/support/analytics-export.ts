/** Reading the analytics export back as a report would: the run's files from the bucket, through DuckDB. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { api } from './http.ts';

export interface ExportedRun {
  /** Every key of the run (its files and its manifest). */
  keys: string[];
  manifest: Record<string, unknown> & {
    files: Record<string, { key: string; rows: number; sha256: string }>;
  };
  manifestText: string;
  /** Each entity's rows, as JSON objects (DuckDB's JSON rendering of the Parquet values). */
  rows: Record<string, Record<string, unknown>[]>;
  /** Each entity's Parquet columns and types. */
  columns: Record<string, string[]>;
  /** Each file's SHA-256, computed here from the downloaded bytes. */
  sha256: Record<string, string>;
}

/** The analytics bucket's keys under `prefix`. */
export async function analyticsKeys(prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({
        Bucket: requireSetting('analyticsBucket'),
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function download(key: string): Promise<Buffer> {
  const object = await s3Client().send(
    new GetObjectCommand({ Bucket: requireSetting('analyticsBucket'), Key: key }),
  );
  return Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
}

/** Downloads run `runId`'s files to a temp dir and reads each with DuckDB. */
export async function readExportedRun(runId: string): Promise<ExportedRun> {
  const keys = (await analyticsKeys()).filter((key) => key.includes(`/${runId}.`));
  const manifestKey = keys.find((key) => key.startsWith('_manifests/'));
  if (!manifestKey)
    throw new Error(`run ${runId} has no manifest in the analytics bucket (keys: ${keys.join(', ')})`);
  const manifestText = (await download(manifestKey)).toString('utf8');
  const dir = await mkdtemp(path.join(tmpdir(), 'lms-export-read-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows: ExportedRun['rows'] = {};
    const columns: ExportedRun['columns'] = {};
    const sha256: ExportedRun['sha256'] = {};
    for (const key of keys.filter((k) => k.endsWith('.parquet'))) {
      const entity = key.split('/')[0] ?? '';
      const bytes = await download(key);
      sha256[entity] = createHash('sha256').update(bytes).digest('hex');
      const file = path.join(dir, `${entity}.parquet`);
      await writeFile(file, bytes);
      const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
      rows[entity] = read.getRowObjectsJson() as Record<string, unknown>[];
      const schema = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
      columns[entity] = schema
        .getRowObjectsJson()
        .map((column) => `${column.column_name} ${column.column_type}`);
    }
    return { keys, manifest: JSON.parse(manifestText), manifestText, rows, columns, sha256 };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Polls export run `jobId` (GET /jobs/{id}) until it ends; returns the run. */
export async function exportFinished(token: string, jobId: string) {
  const deadline = Date.now() + 50_000;
  for (;;) {
    const polled = await api('GET', `/jobs/${jobId}`, { token });
    if (polled.json?.status === 'succeeded' || polled.json?.status === 'failed') return polled.json;
    if (Date.now() > deadline) throw new Error(`export ${jobId} still ${polled.json?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits for export runs other tests started (the authorization matrix's admin call) to end. */
export async function noExportUnderWay(token: string) {
  const deadline = Date.now() + 50_000;
  for (const status of ['queued', 'running']) {
    for (;;) {
      const runs = await api('GET', `/jobs?kind=export&status=${status}`, { token });
      // A run whose lease lapsed died holding nothing: the next request takes its lock over.
      const live = (runs.json?.items ?? []).filter(
        (run: { leaseUntil: string | null }) =>
          run.leaseUntil !== null && Date.parse(run.leaseUntil) > Date.now(),
      );
      if (runs.status === 200 && live.length === 0) break;
      if (Date.now() > deadline) throw new Error(`an export is still ${status}: ${runs.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Runs an export over HTTP once no other is under way (a concurrent request from another test is a 409:
 * wait for it and ask again), and reads its files back.
 */
export async function exportNow(token: string): Promise<ExportedRun> {
  for (let attempt = 0; ; attempt++) {
    await noExportUnderWay(token);
    const requested = await api('POST', '/exports', { token });
    if (requested.status === 409 && attempt < 5) continue;
    if (requested.status !== 202) throw new Error(`POST /exports: ${requested.status} ${requested.text}`);
    const run = await exportFinished(token, requested.json.id);
    if (run.status !== 'succeeded')
      throw new Error(`export ${run.id} failed: ${JSON.stringify(run.failure)}`);
    return readExportedRun(run.id);
  }
}

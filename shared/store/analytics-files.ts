/**
 * The analytics export's Parquet files on local disk, for the DuckDB report engine: each run's file is
 * downloaded once into a cache folder (a run's files never change: a new export is a new run) and read from
 * there by every report after. DuckDB cannot read S3 without its httpfs extension, which it would download.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LocalParquetFiles } from '../reports/duckdb-engine.ts';

export function cachedParquetFiles(s3: S3Client, bucket: string, cacheDir: string): LocalParquetFiles {
  return async (snapshot, table) => {
    const file = snapshot.files[table];
    if (!file) throw new Error(`The export run ${snapshot.runId} has no file of ${table}`);
    const local = path.join(cacheDir, snapshot.runId, `${table}.parquet`);
    if (await exists(local)) return local;
    await mkdir(path.dirname(local), { recursive: true });
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
    // Written aside, then renamed: a report running beside this one never reads half a file.
    const partial = `${local}.${process.pid}.${Date.now()}.part`;
    await pipeline(object.Body as Readable, createWriteStream(partial));
    await rename(partial, local);
    return local;
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** A JSON object of the bucket (the export's manifest). */
export async function readBucketJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString('utf8')) ?? 'null');
}

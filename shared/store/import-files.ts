/**
 * An import's files in the uploads bucket, under `imports/<id>/`:
 * - `source`: the upload (its S3 event starts planning);
 * - `plan/<stream>/<part>.ndjson.gz`: the plan, 500 entries a part, in row order (`all`, with what apply
 *   writes) and per action (what the API lists; the `error` stream keeps the rows for errors.csv);
 * - `errors.csv`: the rejected rows.
 * Parts are written as planning goes, so memory holds one part per stream whatever the file's size.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ImportFiles, PlanStream, PlanWriter, StoredPlanEntry } from '../use-cases/imports/ports.ts';
import { PLAN_PART_ENTRIES } from '../use-cases/imports/requests.ts';
import { completeMultipart, objectSize, presignPut, startMultipart } from './presigned-upload.ts';

/** The upload's key; the plan step's S3 notification is on this suffix. */
export const importSourceKey = (importId: string) => `imports/${importId}/source`;
export const IMPORTS_PREFIX = 'imports/';
export const IMPORT_SOURCE_SUFFIX = '/source';

const partKey = (importId: string, stream: PlanStream, part: number) =>
  `imports/${importId}/plan/${stream}/${String(part).padStart(6, '0')}.ndjson.gz`;
const errorsKey = (importId: string) => `imports/${importId}/errors.csv`;

export class S3ImportFiles implements ImportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly presigner: S3Client,
    private readonly bucket: string,
  ) {}

  private upload(importId: string) {
    return { s3: this.s3, presigner: this.presigner, bucket: this.bucket, key: importSourceKey(importId) };
  }

  presignUpload(importId: string, sizeBytes: number, expiresInSeconds: number) {
    return presignPut(this.upload(importId), 'application/octet-stream', sizeBytes, expiresInSeconds);
  }

  startMultipartUpload(importId: string, partSizes: readonly number[], expiresInSeconds: number) {
    return startMultipart(this.upload(importId), 'application/octet-stream', partSizes, expiresInSeconds);
  }

  completeMultipartUpload(
    importId: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    totalBytes: number,
  ) {
    return completeMultipart(this.upload(importId), uploadId, parts, totalBytes);
  }

  uploadSize(importId: string): Promise<number | undefined> {
    return objectSize(this.upload(importId));
  }

  async discardSource(importId: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: importSourceKey(importId) }));
  }

  async source(importId: string): Promise<AsyncIterable<Uint8Array>> {
    const { Body } = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: importSourceKey(importId) }),
    );
    if (!Body) throw new Error(`The upload of import ${importId} has no body.`);
    return Body as Readable;
  }

  planWriter(importId: string): PlanWriter {
    const buffers = new Map<PlanStream, string[]>();
    const parts = new Map<PlanStream, number>();
    const flush = async (stream: PlanStream) => {
      const lines = buffers.get(stream);
      if (!lines || lines.length === 0) return;
      const part = parts.get(stream) ?? 0;
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: partKey(importId, stream, part),
          Body: gzipSync(`${lines.join('\n')}\n`),
          ContentType: 'application/x-ndjson',
          ContentEncoding: 'gzip',
        }),
      );
      parts.set(stream, part + 1);
      buffers.set(stream, []);
    };
    const push = async (stream: PlanStream, entry: object) => {
      const lines = buffers.get(stream) ?? [];
      lines.push(JSON.stringify(entry));
      buffers.set(stream, lines);
      if (lines.length >= PLAN_PART_ENTRIES) await flush(stream);
    };
    return {
      add: async (entry) => {
        await push('all', entry);
        // The action's own stream lists what the API shows; errors keep the row for errors.csv.
        const { write: _write, raw, ...shown } = entry;
        await push(entry.action, entry.action === 'error' ? { ...shown, raw } : shown);
      },
      close: async () => {
        for (const stream of buffers.keys()) await flush(stream);
        return Object.fromEntries(parts);
      },
    };
  }

  async planPart(importId: string, stream: PlanStream, part: number): Promise<StoredPlanEntry[]> {
    let body: Uint8Array;
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: partKey(importId, stream, part) }),
      );
      body = (await Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return [];
      throw error;
    }
    return gunzipSync(body)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as StoredPlanEntry);
  }

  async putErrors(importId: string, lines: AsyncIterable<string>): Promise<void> {
    // Through a file on disk: the rejected rows of a large file may not fit in memory, and S3 wants a length.
    const folder = await mkdtemp(join(tmpdir(), 'lms-errors-'));
    const file = join(folder, 'errors.csv');
    try {
      const out = createWriteStream(file);
      for await (const line of lines)
        if (!out.write(line)) await new Promise<void>((done) => out.once('drain', () => done()));
      out.end();
      await finished(out);
      const { size } = await stat(file);
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: errorsKey(importId),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: 'text/csv; charset=utf-8',
          ContentDisposition: `attachment; filename="import-${importId}-errors.csv"`,
        }),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  errorsUrl(importId: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.presigner,
      new GetObjectCommand({ Bucket: this.bucket, Key: errorsKey(importId) }),
      {
        expiresIn: expiresInSeconds,
      },
    );
  }
}

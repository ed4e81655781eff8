/**
 * S3 adapter for packages: presigned uploads into the uploads bucket, streaming downloads to local disk,
 * and the content bucket where imported files and reports live.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PackageStorage } from '../use-cases/ports.ts';
import { completeMultipart, objectSize, presignPut, startMultipart } from './presigned-upload.ts';

const MiB = 1024 * 1024;
/**
 * Uploads are downloaded in ranges of this size, this many at a time: parallel ranged GETs read S3 faster
 * than one stream (measured locally: 141 MB in 0.59 s instead of 0.85 s).
 */
const DOWNLOAD_PART_BYTES = 8 * MiB;
const DOWNLOAD_CONCURRENCY = 4;
const WRITE_BYTES = 1 * MiB;

export class S3PackageStorage implements PackageStorage {
  private get uploadsBucket(): string {
    if (!this.buckets.uploads)
      throw new Error('This function is not bound to the uploads bucket (UPLOADS_BUCKET_NAME).');
    return this.buckets.uploads;
  }

  private get contentBucket(): string {
    if (!this.buckets.content)
      throw new Error('This function is not bound to the content bucket (CONTENT_BUCKET_NAME).');
    return this.buckets.content;
  }

  private readonly buckets: { uploads?: string | undefined; content?: string | undefined };

  /**
   * A function bound to only one of the buckets gets only that one; using the other fails with its name.
   * `presigner` signs upload URLs: it must not add checksums of a body the server has not seen.
   */
  constructor(
    private readonly s3: S3Client,
    private readonly presigner: S3Client,
    buckets: { uploads?: string | undefined; content?: string | undefined },
  ) {
    this.buckets = buckets;
  }

  private upload(key: string) {
    return { s3: this.s3, presigner: this.presigner, bucket: this.uploadsBucket, key };
  }

  presignUpload(key: string, sizeBytes: number, expiresInSeconds: number) {
    return presignPut(this.upload(key), 'application/zip', sizeBytes, expiresInSeconds);
  }

  startMultipartUpload(key: string, partSizes: readonly number[], expiresInSeconds: number) {
    return startMultipart(this.upload(key), 'application/zip', partSizes, expiresInSeconds);
  }

  completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    expectedBytes: number,
  ) {
    return completeMultipart(this.upload(key), uploadId, parts, expectedBytes);
  }

  uploadSize(key: string): Promise<number | undefined> {
    return objectSize(this.upload(key));
  }

  async downloadUpload(key: string, toFile: string, sizeBytes: number): Promise<void> {
    const ranges: { start: number; end: number }[] = [];
    for (let start = 0; start < sizeBytes; start += DOWNLOAD_PART_BYTES)
      ranges.push({ start, end: Math.min(sizeBytes, start + DOWNLOAD_PART_BYTES) - 1 });
    const file = await open(toFile, 'w');
    const aborted = new AbortController();
    try {
      let etag: string | undefined;
      const fetchRange = async ({ start, end }: { start: number; end: number }) => {
        const { Body, ContentRange, ETag } = await this.s3.send(
          new GetObjectCommand({
            Bucket: this.uploadsBucket,
            Key: key,
            Range: `bytes=${start}-${end}`,
            IfMatch: etag,
          }),
          { abortSignal: aborted.signal },
        );
        const total = Number(ContentRange?.split('/')[1]);
        if (!Body || total !== sizeBytes)
          throw new Error(
            `The upload ${key} is ${ContentRange ?? 'of unknown size'}, not ${sizeBytes} bytes.`,
          );
        etag ??= ETag;
        // Chunks arrive as the socket reads them (64 KiB): written 1 MiB at a time, in one call each.
        let position = start;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          await file.writev(pending, position);
          position += pendingBytes;
          pending = [];
          pendingBytes = 0;
        };
        for await (const chunk of Body as AsyncIterable<Buffer>) {
          if (position + pendingBytes + chunk.length > end + 1)
            throw new Error(`The upload ${key} sent more than asked.`);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BYTES) await flush();
        }
        if (pendingBytes > 0) await flush();
        if (position !== end + 1)
          throw new Error(`The upload ${key} ended at byte ${position} of ${end + 1}.`);
      };
      // The first range names the object's ETag; the others ask for that version only (If-Match), so an
      // upload replaced meanwhile fails the download instead of mixing two files.
      const [first, ...rest] = ranges;
      if (first) await fetchRange(first);
      let next = 0;
      const lane = async () => {
        while (next < rest.length && !aborted.signal.aborted) {
          const range = rest[next++];
          if (range) await fetchRange(range);
        }
      };
      // The first failure stops the others; the file is closed once none is writing any more.
      let failure: { error: unknown } | undefined;
      await Promise.all(
        Array.from({ length: DOWNLOAD_CONCURRENCY }, () =>
          lane().catch((error: unknown) => {
            failure ??= { error };
            aborted.abort();
          }),
        ),
      );
      if (failure) throw failure.error;
    } finally {
      await file.close();
    }
  }

  async deleteUpload(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.uploadsBucket, Key: key }));
  }

  async putContentStream(
    key: string,
    body: Readable,
    sizeBytes: number,
    contentType: string,
    signal: AbortSignal,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.contentBucket,
        Key: key,
        Body: sizeBytes === 0 ? '' : body,
        ContentLength: sizeBytes,
        ContentType: contentType,
      }),
      { abortSignal: signal },
    );
  }

  async putContentJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.contentBucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async getContentJson(key: string): Promise<unknown | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.contentBucket, Key: key }));
      return Body ? JSON.parse(await Body.transformToString('utf8')) : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
      throw error;
    }
  }

  async deleteContentPrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.contentBucket, Prefix: prefix, ContinuationToken: token }),
      );
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) {
        await this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.contentBucket, Delete: { Objects: objects, Quiet: true } }),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/**
 * The backups bucket's side of the logical backup: gzip NDJSON files streamed to S3 as multipart uploads
 * (bounded memory whatever the table's size), their SHA-256 taken from the very bytes stored, the manifest,
 * and the content bucket's inventory of object versions.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BackupManifest, backupKeys, type ContentObjectVersion } from '../domain/backup.ts';
import type { BackupFiles, BackupFileWriter, StoredFile } from '../use-cases/backups.ts';

const MiB = 1024 * 1024;
/** Multipart part size: two parts in flight per file, so a file holds at most ~16 MiB in memory. */
const PART_BYTES = 8 * MiB;
const PARTS_IN_FLIGHT = 2;
/**
 * The longest line read back: an item is at most 400 KB in DynamoDB, and its attribute-value JSON a few times
 * that at worst. A longer line is not a file this code wrote.
 */
export const MAX_LINE_BYTES = 4 * MiB;
/** A manifest is a few KB; anything much larger is not one. */
const MAX_MANIFEST_BYTES = 1 * MiB;
/** Fast enough to keep up with the Scan, still ~8x smaller than the JSON. */
const GZIP_LEVEL = 4;

export class S3BackupFiles implements BackupFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly buckets: {
      readonly backups?: string | undefined;
      readonly content?: string | undefined;
    },
  ) {}

  private get backupsBucket(): string {
    if (!this.buckets.backups)
      throw new Error('This function is not bound to the backups bucket (BACKUPS_BUCKET_NAME).');
    return this.buckets.backups;
  }

  openFile(key: string): BackupFileWriter {
    const gzip = createGzip({ level: GZIP_LEVEL });
    const hash = createHash('sha256');
    let bytes = 0;
    const stored = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    gzip.pipe(stored);
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.backupsBucket, Key: key, Body: stored, ContentType: 'application/gzip' },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    const uploaded = upload.done();
    // Surfaced by write or close; never an unhandled rejection in between.
    const failed = uploaded.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => Promise.reject(error),
    );
    failed.catch(() => undefined);
    return {
      write: async (text) => {
        if (!gzip.write(text)) await Promise.race([once(gzip, 'drain'), failed]);
      },
      close: async () => {
        gzip.end();
        await uploaded;
        return { key, sha256: hash.digest('hex'), bytes };
      },
      abort: async () => {
        gzip.destroy();
        await upload.abort().catch(() => undefined);
      },
    };
  }

  async writeManifest(manifest: BackupManifest): Promise<void> {
    const body = `${JSON.stringify(manifest, null, 2)}\n`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.backupsBucket,
        Key: backupKeys.manifest(manifest.backupId),
        Body: body,
        ContentType: 'application/json',
      }),
    );
  }

  async readManifest(backupId: string): Promise<BackupManifest | undefined> {
    let text: string;
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.backupsBucket, Key: backupKeys.manifest(backupId) }),
      );
      if ((object.ContentLength ?? 0) > MAX_MANIFEST_BYTES)
        throw new Error(`The manifest of backup ${backupId} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
    const parsed = BackupManifest.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`The manifest of backup ${backupId} is not a backup manifest: ${parsed.error.message}`);
    if (parsed.data.backupId !== backupId)
      throw new Error(`The manifest at backup ${backupId}'s key names backup ${parsed.data.backupId}.`);
    return parsed.data;
  }

  async checksum(key: string): Promise<StoredFile> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of await this.body(key)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { key, sha256: hash.digest('hex'), bytes };
  }

  async *readLines(key: string): AsyncGenerator<string> {
    const lines = (await this.body(key)).pipe(createGunzip());
    let pending = '';
    for await (const chunk of lines) {
      pending += (chunk as Buffer).toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      if (pending.length > MAX_LINE_BYTES)
        throw new Error(`${key} has a line longer than ${MAX_LINE_BYTES} bytes: not a backup file.`);
      for (const line of parts) if (line) yield line;
    }
    if (pending) yield pending;
  }

  /**
   * Every object version of the content bucket, page by page. s3rver (the local stack) has no versioning and
   * answers ListObjectVersions with 405: there the current objects are listed instead, each with S3's
   * `null` version id, as an unversioned bucket's objects have.
   */
  async *contentVersions(): AsyncGenerator<ContentObjectVersion[]> {
    const bucket = this.buckets.content;
    if (!bucket) throw new Error('This function is not bound to the content bucket (CONTENT_BUCKET_NAME).');
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      let page: ListObjectVersionsCommandOutput;
      try {
        page = await this.s3.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        );
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 405)
          throw error;
        yield* this.unversionedObjects(bucket);
        return;
      }
      yield (page.Versions ?? []).map((version) => ({
        key: version.Key ?? '',
        versionId: version.VersionId ?? 'null',
        etag: version.ETag ?? '',
        size: version.Size ?? 0,
        storageClass: version.StorageClass ?? 'STANDARD',
        isLatest: version.IsLatest ?? false,
      }));
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
  }

  private async *unversionedObjects(bucket: string): AsyncGenerator<ContentObjectVersion[]> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      yield (page.Contents ?? []).map((object) => ({
        key: object.Key ?? '',
        versionId: 'null',
        etag: object.ETag ?? '',
        size: object.Size ?? 0,
        storageClass: object.StorageClass ?? 'STANDARD',
        isLatest: true,
      }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async body(key: string): Promise<Readable> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.backupsBucket, Key: key }));
    if (!(object.Body instanceof Readable)) throw new Error(`${key} has no readable body.`);
    return object.Body;
  }
}

/**
 * S3 adapter for packages: presigned uploads into the uploads bucket, streaming downloads to local disk,
 * and the content bucket where imported files and reports live.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

  async downloadUpload(key: string, toFile: string): Promise<number> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.uploadsBucket, Key: key }));
    if (!Body) throw new Error(`The upload ${key} has no body.`);
    let bytes = 0;
    const source = Body as Readable;
    source.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await pipeline(source, createWriteStream(toFile));
    return bytes;
  }

  async deleteUpload(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.uploadsBucket, Key: key }));
  }

  async putContentFile(key: string, fromFile: string, contentType: string): Promise<void> {
    const { size } = await stat(fromFile);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.contentBucket,
        Key: key,
        Body: size === 0 ? '' : createReadStream(fromFile),
        ContentLength: size,
        ContentType: contentType,
      }),
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

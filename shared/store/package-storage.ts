/**
 * S3 adapter for packages: presigned uploads into the uploads bucket, streaming downloads to local disk,
 * and the content bucket where imported files and reports live.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PackageStorage } from '../use-cases/ports.ts';

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

  async presignUpload(key: string, sizeBytes: number, expiresInSeconds: number) {
    const command = new PutObjectCommand({
      Bucket: this.uploadsBucket,
      Key: key,
      ContentType: 'application/zip',
      ContentLength: sizeBytes,
    });
    const url = await getSignedUrl(this.presigner, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': 'application/zip', 'content-length': String(sizeBytes) } };
  }

  async startMultipartUpload(key: string, partSizes: readonly number[], expiresInSeconds: number) {
    const { UploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.uploadsBucket,
        Key: key,
        ContentType: 'application/zip',
      }),
    );
    if (!UploadId) throw new Error('S3 returned no upload id');
    // Each part's length is signed, as the single PUT's is: S3 refuses a part of any other size.
    const partUrls = await Promise.all(
      partSizes.map((size, index) =>
        getSignedUrl(
          this.presigner,
          new UploadPartCommand({
            Bucket: this.uploadsBucket,
            Key: key,
            UploadId,
            PartNumber: index + 1,
            ContentLength: size,
          }),
          { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) },
        ),
      ),
    );
    return { uploadId: UploadId, partUrls };
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    expectedBytes: number,
  ): Promise<'completed' | 'size-mismatch'> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.uploadsBucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
          },
          // S3 refuses to assemble parts that do not add up to this (400 InvalidRequest).
          MpuObjectSize: expectedBytes,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'InvalidRequest') return 'size-mismatch';
      throw error;
    }
    return 'completed';
  }

  async uploadSize(key: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.uploadsBucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      throw error;
    }
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

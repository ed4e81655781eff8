/**
 * Presigned uploads into a bucket, for packages and import files alike: one PUT up to 100 MB, presigned
 * parts above it, and the object's size once uploaded. Every URL signs the length it accepts (S3 refuses
 * a body of any other size), and completing refuses parts that do not add up to the size announced.
 * s3rver enforces neither, so the steps after an upload check the size again.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface UploadTarget {
  s3: S3Client;
  /** Signs the URLs: a client that adds no checksums of a body the server has not seen. */
  presigner: S3Client;
  bucket: string;
  key: string;
}

export async function presignPut(
  target: UploadTarget,
  contentType: string,
  sizeBytes: number,
  expiresInSeconds: number,
): Promise<{ url: string; headers: Record<string, string> }> {
  const command = new PutObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    ContentType: contentType,
    ContentLength: sizeBytes,
  });
  const url = await getSignedUrl(target.presigner, command, {
    expiresIn: expiresInSeconds,
    signableHeaders: new Set(['content-type', 'content-length']),
  });
  return { url, headers: { 'content-type': contentType, 'content-length': String(sizeBytes) } };
}

export async function startMultipart(
  target: UploadTarget,
  contentType: string,
  partSizes: readonly number[],
  expiresInSeconds: number,
): Promise<{ uploadId: string; partUrls: string[] }> {
  const { UploadId } = await target.s3.send(
    new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, ContentType: contentType }),
  );
  if (!UploadId) throw new Error('S3 returned no upload id');
  const partUrls = await Promise.all(
    partSizes.map((size, index) =>
      getSignedUrl(
        target.presigner,
        new UploadPartCommand({
          Bucket: target.bucket,
          Key: target.key,
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

/** `size-mismatch` when S3 refuses to assemble parts that do not add up to `expectedBytes`. */
export async function completeMultipart(
  target: Omit<UploadTarget, 'presigner'>,
  uploadId: string,
  parts: readonly { partNumber: number; etag: string }[],
  expectedBytes: number,
): Promise<'completed' | 'size-mismatch'> {
  try {
    await target.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
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

/** The object's size, or undefined when there is none (nothing uploaded yet). */
export async function objectSize(target: Omit<UploadTarget, 'presigner'>): Promise<number | undefined> {
  try {
    const head = await target.s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key }));
    return head.ContentLength ?? 0;
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

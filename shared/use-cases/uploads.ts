/**
 * The presigned upload that packages and import files both offer: one PUT up to 100 MB, presigned parts
 * above it, and completing a multipart upload with its parts' total checked (S3 refuses parts that do not
 * add up; s3rver does not, so the assembled size is checked again).
 */

import { MULTIPART_THRESHOLD_BYTES, PART_SIZE_BYTES, type PresignedUpload } from '../domain/content.ts';
import { BusinessRuleError, InvalidInputError } from '../domain/errors.ts';
import type { UploadStore } from './ports.ts';

/** How long the upload's URLs stay valid. */
const UPLOAD_URL_SECONDS = 3600;

/** Part sizes of a multipart upload: PART_SIZE_BYTES each, the last one what remains. */
export function partSizes(sizeBytes: number): number[] {
  const count = Math.ceil(sizeBytes / PART_SIZE_BYTES);
  return Array.from({ length: count }, (_, index) =>
    Math.min(PART_SIZE_BYTES, sizeBytes - index * PART_SIZE_BYTES),
  );
}

/** The upload of `sizeBytes` to `target`; a multipart one is completed by POSTing to `completeWith`. */
export async function offerUpload(
  store: Pick<UploadStore, 'presignUpload' | 'startMultipartUpload'>,
  target: string,
  sizeBytes: number,
  completeWith: string,
  now: Date,
): Promise<PresignedUpload> {
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  if (sizeBytes <= MULTIPART_THRESHOLD_BYTES) {
    const signed = await store.presignUpload(target, sizeBytes, UPLOAD_URL_SECONDS);
    return { method: 'PUT', ...signed, expiresAt };
  }
  const sizes = partSizes(sizeBytes);
  const multipart = await store.startMultipartUpload(target, sizes, UPLOAD_URL_SECONDS);
  return {
    method: 'MULTIPART',
    uploadId: multipart.uploadId,
    partSize: PART_SIZE_BYTES,
    parts: multipart.partUrls.map((url, index) => ({
      partNumber: index + 1,
      sizeBytes: sizes[index] ?? 0,
      url,
    })),
    completeWith,
    expiresAt,
  };
}

/**
 * Steps: each part named once, 1 to n -> S3 assembles them in order, refusing parts that do not add up to
 * the size announced -> the assembled size checked again. `otherwise` says what becomes of an upload of
 * another size.
 */
export async function completeUpload(
  store: Pick<UploadStore, 'completeMultipartUpload' | 'uploadSize'>,
  target: string,
  uploadId: string,
  parts: readonly { partNumber: number; etag: string }[],
  sizeBytes: number,
  otherwise: string,
): Promise<void> {
  const expected = partSizes(sizeBytes).length;
  const numbers = new Set(parts.map((part) => part.partNumber));
  if (numbers.size !== parts.length || parts.length !== expected || [...numbers].some((n) => n > expected))
    throw new InvalidInputError(`Name each of the ${expected} parts once, numbered 1 to ${expected}.`, [
      { path: 'body.parts', message: `expected parts 1-${expected}, each once` },
    ]);
  // S3 assembles parts named in ascending order only.
  const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const outcome = await store.completeMultipartUpload(target, uploadId, ordered, sizeBytes);
  if (outcome === 'size-mismatch')
    throw new BusinessRuleError(
      `The parts do not add up to the ${sizeBytes} bytes announced: upload each part at its sizeBytes, then complete again.`,
    );
  const assembled = await store.uploadSize(target);
  if (assembled !== sizeBytes)
    throw new BusinessRuleError(
      `The parts add up to ${assembled ?? 0} bytes, but ${sizeBytes} were announced; ${otherwise}`,
    );
}

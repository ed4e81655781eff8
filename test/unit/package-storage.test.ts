/**
 * The S3 adapter's presigned uploads, in the exact shape the SDK produces: every URL binds the length it was
 * issued for (S3 refuses a body of any other size), and completing a multipart upload names the total.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3PackageStorage } from '../../shared/store/package-storage.ts';

const MiB = 1024 * 1024;

beforeEach(() => {
  // The presigner signs with whatever credentials it finds; these never reach AWS.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function storage() {
  const s3 = new S3Client({ region: 'eu-west-1' });
  const mock = mockClient(s3);
  return { mock, storage: new S3PackageStorage(s3, s3, { uploads: 'uploads-bucket' }) };
}

describe('presigned package uploads', () => {
  it('a single PUT signs its content type and length', async () => {
    const { storage: packages } = storage();
    const { url, headers } = await packages.presignUpload('packages/c/j.zip', 1234, 3600);
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(headers).toEqual({ 'content-type': 'application/zip', 'content-length': '1234' });
  });

  it('each multipart part URL signs its own length', async () => {
    // Prepare
    const { mock, storage: packages } = storage();
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    // Act
    const { uploadId, partUrls } = await packages.startMultipartUpload(
      'packages/c/j.zip',
      [64 * MiB, 64 * MiB, 1000],
      3600,
    );
    // Assess
    expect(uploadId).toBe('upload-1');
    expect(partUrls).toHaveLength(3);
    for (const [index, url] of partUrls.entries()) {
      const parsed = new URL(url);
      expect(parsed.pathname).toBe('/packages/c/j.zip');
      expect(parsed.searchParams.get('partNumber')).toBe(String(index + 1));
      expect(parsed.searchParams.get('uploadId')).toBe('upload-1');
      expect(parsed.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
    }
    expect(mock.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads-bucket',
      Key: 'packages/c/j.zip',
      ContentType: 'application/zip',
    });
  });

  it('completing names the announced total, and reports S3 refusing parts that do not add up', async () => {
    const { mock, storage: packages } = storage();
    mock
      .on(CompleteMultipartUploadCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new S3ServiceException({
          name: 'InvalidRequest',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'The provided object size does not match the actual object size',
        }),
      );
    const parts = [{ partNumber: 1, etag: '"a"' }];
    await expect(packages.completeMultipartUpload('k', 'u', parts, 5000)).resolves.toBe('completed');
    await expect(packages.completeMultipartUpload('k', 'u', parts, 5000)).resolves.toBe('size-mismatch');
    expect(mock.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads-bucket',
      Key: 'k',
      UploadId: 'u',
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"a"' }] },
      MpuObjectSize: 5000,
    });
  });
});

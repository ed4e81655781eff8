/**
 * The S3 adapter's presigned uploads, in the exact shape the SDK produces: every URL binds the length it was
 * issued for (S3 refuses a body of any other size), and completing a multipart upload names the total. And
 * the download of an upload: ranges fetched in parallel, all of the version the first one saw.
 */
import { randomFillSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
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

describe('downloading an upload', () => {
  let folder = '';
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'package-download-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Answers ranged GETs from `object`, as S3 does (Content-Range names the whole size). */
  function serving(mock: ReturnType<typeof storage>['mock'], object: Buffer, chunk = 64 * 1024) {
    mock.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
      const [start, end] = (input.Range ?? '').replace('bytes=', '').split('-').map(Number);
      const bytes = object.subarray(start, (end ?? object.length - 1) + 1);
      const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) =>
        bytes.subarray(i * chunk, (i + 1) * chunk),
      );
      return {
        Body: Readable.from(chunks),
        ContentRange: `bytes ${start}-${end}/${object.length}`,
        ETag: '"version-1"',
      };
    });
  }

  it('fetches 8 MiB ranges, the later ones only of the version the first one saw, into one file', async () => {
    // Prepare: 20 MiB and 5 bytes: three ranges
    const { mock, storage: packages } = storage();
    const object = randomFillSync(Buffer.alloc(20 * MiB + 5));
    serving(mock, object);
    const file = join(folder, 'package.zip');

    // Act
    await packages.downloadUpload('packages/c/j.zip', file, object.length);

    // Assess
    expect((await readFile(file)).equals(object)).toBe(true);
    const calls = mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.Range, input.IfMatch])).toEqual([
      ['bytes=0-8388607', undefined],
      ['bytes=8388608-16777215', '"version-1"'],
      ['bytes=16777216-20971524', '"version-1"'],
    ]);
    expect(
      calls.every((input) => input.Bucket === 'uploads-bucket' && input.Key === 'packages/c/j.zip'),
    ).toBe(true);
  });

  it('fails when the object is not the size announced, naming both', async () => {
    const { mock, storage: packages } = storage();
    serving(mock, Buffer.alloc(1000, 1));
    await expect(packages.downloadUpload('packages/c/j.zip', join(folder, 'a.zip'), 999)).rejects.toThrow(
      'The upload packages/c/j.zip is bytes 0-998/1000, not 999 bytes.',
    );
  });

  it('fails when a range ends early', async () => {
    // Prepare: the second range of a 10 MiB object stops 1 byte short
    const { mock, storage: packages } = storage();
    const object = Buffer.alloc(10 * MiB, 2);
    mock.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
      const [start, end] = (input.Range ?? '').replace('bytes=', '').split('-').map(Number);
      const last = start === 0 ? (end ?? 0) : (end ?? 0) - 1;
      return {
        Body: Readable.from([object.subarray(start, last + 1)]),
        ContentRange: `bytes ${start}-${end}/${object.length}`,
        ETag: '"version-1"',
      };
    });

    // Act / Assess
    await expect(
      packages.downloadUpload('packages/c/j.zip', join(folder, 'b.zip'), object.length),
    ).rejects.toThrow(`The upload packages/c/j.zip ended at byte ${10 * MiB - 1} of ${10 * MiB}.`);
  });
});

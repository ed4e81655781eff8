/**
 * Package processing against the real emulators (s3rver, DynamoDB Local), through the use case as the
 * process-package function runs it, with packages that fail only while their files are streaming to the
 * content bucket: what was stored before the failure is deleted before the job fails, and the failing file
 * is never completed. The zip is read from a key the local job runner does not watch, so only the test
 * processes it; the S3 adapter is the real one, wrapped to record what it stored.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import {
  processUploadedPackage,
  requestPackageUpload,
  uploadKey,
} from '../../shared/use-cases/package-import.ts';
import type { PackageStorage } from '../../shared/use-cases/ports.ts';
import { actor, uniqueName } from '../support/actors.ts';
import { ACCESSIBLE_PAGE, SCORM12_MANIFEST } from '../support/packages.ts';
import { patchCentral, zipBytes } from '../unit/content/zip-fixtures.ts';

const MiB = 1024 * 1024;
const ports = catalogPorts();
const admin = actor(['admin']);
const MEDIA = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `media/clip-${name}.bin`);
const LAST = 'media/zz-last.bin';

/** A valid SCORM 1.2 package: the manifest, a page, six 300 KB media files, then `last` (deflated). */
async function packageEndingWith(last: Buffer): Promise<Buffer> {
  return zipBytes([
    { name: 'imsmanifest.xml', data: SCORM12_MANIFEST('index.html', [...MEDIA, LAST]) },
    { name: 'index.html', data: ACCESSIBLE_PAGE },
    ...MEDIA.map((name) => ({ name, data: randomFillSync(Buffer.alloc(300_000)) })),
    { name: LAST, data: last },
  ]);
}

/** Index of LAST in the central directory (the manifest, the page and the media come before it). */
const LAST_INDEX = 2 + MEDIA.length;

/**
 * Processes `zip` as the upload of a new course's job. The storage records each file it completed and the
 * bytes each body carried; the last file starts only once every other file is stored, so that the failure
 * comes after them.
 */
async function processAs(zip: Buffer) {
  const course = await createCourse(ports, admin, { title: uniqueName('Streaming failure') });
  const { job } = await requestPackageUpload(ports, admin, course.id, {
    fileName: 'package.zip',
    sizeBytes: zip.length,
  });
  const fixture = `test-fixtures/${job.id}.zip`;
  await s3Client().send(
    new PutObjectCommand({ Bucket: requireSetting('uploadsBucket'), Key: fixture, Body: zip }),
  );
  const stored: string[] = [];
  const bytesSent = new Map<string, number>();
  let othersStored = () => {};
  const others = new Promise<void>((resolve) => {
    othersStored = resolve;
  });
  const real = ports.storage;
  // The real adapter's methods, two of them wrapped (a prototype keeps `this` working for the others).
  const storage: PackageStorage = Object.assign(Object.create(real) as PackageStorage, {
    downloadUpload: (_key: string, toFile: string, sizeBytes: number) =>
      real.downloadUpload(fixture, toFile, sizeBytes),
    putContentStream: async (
      key: string,
      body: Readable,
      sizeBytes: number,
      contentType: string,
      signal: AbortSignal,
    ) => {
      if (key.endsWith(LAST)) await others;
      body.on('data', (chunk: Buffer) => bytesSent.set(key, (bytesSent.get(key) ?? 0) + chunk.length));
      await real.putContentStream(key, body, sizeBytes, contentType, signal);
      stored.push(key);
      if (stored.length === 2 + MEDIA.length) othersStored();
    },
  });
  try {
    const done = await processUploadedPackage(
      { ...ports, storage },
      { key: uploadKey(course.id, job.id), size: zip.length },
    );
    return { courseId: course.id, job: done, stored, bytesSent };
  } finally {
    await s3Client().send(new DeleteObjectCommand({ Bucket: requireSetting('uploadsBucket'), Key: fixture }));
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await s3Client().send(
    new ListObjectsV2Command({ Bucket: requireSetting('contentBucket'), Prefix: prefix }),
  );
  return (page.Contents ?? []).map((object) => object.Key ?? '');
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3Client().send(new HeadObjectCommand({ Bucket: requireSetting('contentBucket'), Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  }
}

describe('a package that fails while its files stream to the content bucket', () => {
  it('an entry inflating past its declared size: the files stored before it are deleted, and what it sent', async () => {
    // Prepare: the last file is 4 MiB and declares 3 MiB (so inspection passes)
    const zip = patchCentral(await packageEndingWith(randomFillSync(Buffer.alloc(4 * MiB))), LAST_INDEX, {
      uncompressedSize: 3 * MiB,
    });

    // Act
    const { courseId, job, stored } = await processAs(zip);

    // Assess: eight files were stored, then deleted; the last one was never completed
    expect(job?.status).toBe('failed');
    expect(job?.failure).toEqual({
      code: 'zip-bomb',
      message: `entry "${LAST}" inflates past its declared size of ${3 * MiB} bytes`,
    });
    expect(stored.map((key) => key.slice(key.indexOf('/v1/') + 4)).sort()).toEqual(
      ['imsmanifest.xml', 'index.html', ...MEDIA].sort(),
    );
    expect(await keysUnder(`courses/${courseId}/`)).toEqual([]);
    expect(await keysUnder(`reports/courses/${courseId}/`)).toEqual([]);
    for (const key of [...stored, `courses/${courseId}/v1/${LAST}`])
      expect(await exists(key), key).toBe(false);
    const course = await ports.catalog.getCourse(courseId);
    expect(course?.currentContentVersion).toBeNull();
  });

  it('an entry failing its CRC-32: its last bytes are never sent, and nothing stays', async () => {
    // Prepare: the last file (3 MiB) with a wrong CRC in the central directory
    const zip = patchCentral(await packageEndingWith(randomFillSync(Buffer.alloc(3 * MiB))), LAST_INDEX, {
      crc32: 0x12345678,
    });

    // Act
    const { courseId, job, stored, bytesSent } = await processAs(zip);

    // Assess
    expect(job?.failure).toEqual({
      code: 'corrupt-zip',
      message: `entry "${LAST}" fails its CRC-32 check (corrupted data)`,
    });
    expect(stored).toHaveLength(2 + MEDIA.length);
    const lastKey = `courses/${courseId}/v1/${LAST}`;
    expect(bytesSent.get(lastKey)).toBeGreaterThan(0);
    expect(bytesSent.get(lastKey)).toBeLessThan(3 * MiB);
    expect(await keysUnder(`courses/${courseId}/`)).toEqual([]);
    expect(await exists(lastKey)).toBe(false);
  });
});

describe('the S3 adapter, against s3rver', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'package-storage-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('stops an upload at once when its signal aborts, before its last byte', async () => {
    // Prepare: a body that sends 1 MiB of the 2 MiB announced, then waits. (S3 keeps nothing of such a PUT;
    // s3rver shows the bytes it got as the object, which the import deletes with the rest on a failure.)
    const key = `courses/${randomUUID()}/v1/cut.bin`;
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(MiB, 1));
    const aborted = new AbortController();

    // Act
    const upload = ports.storage.putContentStream(key, body, 2 * MiB, 'video/mp4', aborted.signal);
    setTimeout(() => aborted.abort(), 200);

    // Assess
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    await ports.storage.deleteContentPrefix(key);
    expect(await exists(key)).toBe(false);
  });

  it('downloads an upload of several ranges byte for byte', async () => {
    // Prepare: 20 MiB and 3 bytes, three 8 MiB ranges
    const object = randomFillSync(Buffer.alloc(20 * MiB + 3));
    const key = `test-fixtures/${randomUUID()}.bin`;
    await s3Client().send(
      new PutObjectCommand({ Bucket: requireSetting('uploadsBucket'), Key: key, Body: object }),
    );
    const file = join(folder, 'download.zip');

    // Act
    await ports.storage.downloadUpload(key, file, object.length);

    // Assess
    expect((await readFile(file)).equals(object)).toBe(true);
    await expect(
      ports.storage.downloadUpload(key, join(folder, 'other.zip'), object.length - 1),
    ).rejects.toThrow(
      `The upload ${key} is bytes 0-8388607/${object.length}, not ${object.length - 1} bytes.`,
    );
    await s3Client().send(new DeleteObjectCommand({ Bucket: requireSetting('uploadsBucket'), Key: key }));
  });
});

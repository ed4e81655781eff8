/**
 * Content packages over HTTP, as an administrator's client does it: ask for an upload, PUT the zip to the
 * presigned URL, and follow the job until it ends. Real packages from ../shared/corpus (when present) and
 * hostile ones generated here.
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../shared/clients.ts';
import { uniqueName } from '../support/actors.ts';
import { api, contentUrl, gatewayUrl, tokenFor } from '../support/http.ts';
import { ACCESSIBLE_PAGE, INACCESSIBLE_PAGE, SCORM12_MANIFEST } from '../support/packages.ts';
import { zipDirectory, zipEntries } from '../support/zip.ts';
import { patchCentral } from '../unit/content/zip-fixtures.ts';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const hasCorpus = existsSync(join(CORPUS, 'INDEX.md'));
if (!hasCorpus)
  console.warn(
    `Skipping the corpus package tests: ${CORPUS} is absent (it sits beside the project in the team kit).`,
  );

let admin = '';
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

async function newCourse(): Promise<string> {
  const created = await api('POST', '/courses', {
    token: admin,
    body: { title: uniqueName('Package test') },
  });
  expect(created.status).toBe(201);
  return created.json.id;
}

/** Requests an upload, PUTs the bytes where told, and waits for the job to end. */
async function importPackage(
  courseId: string,
  zip: Buffer,
  fileName = 'package.zip',
  announcedSize = zip.length,
) {
  const requested = await api('POST', `/courses/${courseId}/packages`, {
    token: admin,
    body: { fileName, sizeBytes: announcedSize },
  });
  expect(requested.status, requested.text).toBe(202);
  const { job, upload } = requested.json;
  expect(upload.method).toBe('PUT');
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: { 'content-type': upload.headers['content-type'] },
    body: new Uint8Array(zip),
  });
  expect(put.status, await put.text()).toBe(200);
  return waitForJob(job.id);
}

async function waitForJob(jobId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await api('GET', `/jobs/${jobId}`, { token: admin });
    expect(response.status).toBe(200);
    if (response.json.status === 'succeeded' || response.json.status === 'failed') return response.json;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${response.json.status} at ${response.json.progress.step}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** yazl refuses hostile names, so write a harmless one and patch its bytes (local and central headers). */
function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');
}

/** A request to the content server with the path exactly as written (fetch would normalise `..`). */
function rawGet(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const origin = new URL(contentUrl());
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: origin.hostname, port: origin.port, path, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

async function storedUnder(prefix: string): Promise<number> {
  const page = await s3Client().send(
    new ListObjectsV2Command({ Bucket: process.env.CONTENT_BUCKET_NAME, Prefix: prefix }),
  );
  return page.KeyCount ?? 0;
}

describe('package import over HTTP', () => {
  it('imports a generated SCORM 1.2 package: version, launch, content served, accessibility report', async () => {
    // Prepare
    const courseId = await newCourse();
    const zip = await zipEntries([
      { name: 'imsmanifest.xml', data: SCORM12_MANIFEST('index.html', ['quiz.html']) },
      { name: 'index.html', data: ACCESSIBLE_PAGE },
      { name: 'quiz.html', data: INACCESSIBLE_PAGE },
    ]);
    // Act
    const job = await importPackage(courseId, zip);
    // Assess
    expect(job.status, JSON.stringify(job.failure)).toBe('succeeded');
    expect(job.result).toMatchObject({
      contentVersion: 1,
      standard: 'scorm12',
      launchUrl: 'index.html',
      scoCount: 1,
    });
    const course = await api('GET', `/courses/${courseId}`, { token: admin });
    expect(course.json.currentContentVersion).toBe(1);
    const version = await api('GET', `/courses/${courseId}/content-versions/1`, { token: admin });
    expect(version.json).toMatchObject({ standard: 'scorm12', fileCount: 3, launchUrl: 'index.html' });
    expect(version.json.accessibility.blocking).toBe(true);
    const report = await api('GET', `/courses/${courseId}/content-versions/1/accessibility`, {
      token: admin,
    });
    const quiz = report.json.files.find((file: { path: string }) => file.path === 'quiz.html');
    expect(quiz.violations.map((v: { ruleId: string }) => v.ruleId)).toContain('image-alt');
    expect(report.json.notChecked.map((rule: { ruleId: string }) => rule.ruleId)).toContain('color-contrast');
    // Served on the content origin, as the CDN serves it; the API's origin serves no content
    const page = await fetch(`${contentUrl()}/${courseId}/v1/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('Lesson 1');
    expect(new URL(contentUrl()).origin).not.toBe(new URL(gatewayUrl()).origin);
    expect((await api('GET', `/content/${courseId}/v1/index.html`)).status).toBe(404);
    // The gate: serious violations hold publishing until a waiver.
    const publish = await api('POST', `/courses/${courseId}/publish`, { token: admin });
    expect(publish.status).toBe(422);
  });

  it('keeps every version: a second upload is v2 and the course points at it, v1 stays', async () => {
    const courseId = await newCourse();
    const zip = await zipEntries([
      { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
      { name: 'index.html', data: ACCESSIBLE_PAGE },
    ]);
    expect((await importPackage(courseId, zip)).status).toBe('succeeded');
    expect((await importPackage(courseId, zip)).result.contentVersion).toBe(2);
    expect((await api('GET', `/courses/${courseId}`, { token: admin })).json.currentContentVersion).toBe(2);
    const versions = await api('GET', `/courses/${courseId}/content-versions`, { token: admin });
    expect(versions.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await fetch(`${contentUrl()}/${courseId}/v1/index.html`)).status).toBe(200);
    expect((await api('POST', `/courses/${courseId}/publish`, { token: admin })).status).toBe(200);
  });

  it('the content server decodes a path once, then checks it: nothing outside the course versions is reached', async () => {
    // Prepare: a package with a name that needs encoding; its accessibility report sits in the same bucket
    const courseId = await newCourse();
    const zip = await zipEntries([
      { name: 'imsmanifest.xml', data: SCORM12_MANIFEST('shared/launch page.html') },
      { name: 'shared/launch page.html', data: ACCESSIBLE_PAGE },
    ]);
    expect((await importPackage(courseId, zip)).status).toBe('succeeded');
    const report = `reports/courses/${courseId}/v1/accessibility.json`;
    expect(await storedUnder(report)).toBe(1);

    // Act and assess: what decodes to a file of the version is served
    expect((await rawGet(`/${courseId}/v1/shared/launch%20page.html`)).status).toBe(200);
    expect((await rawGet(`/${courseId}/v1/shared%2Flaunch%20page%2Ehtml`)).status).toBe(200);
    // and nothing else: each is refused before the bucket is asked
    for (const [path, status] of [
      [`/${courseId}/v1/../../../${report}`, 400],
      [`/${courseId}/v1/%2e%2e/%2e%2e/%2e%2e/${report}`, 400],
      [`/${courseId}/v1/..%2F..%2F..%2F${encodeURIComponent(report)}`, 400],
      [`/..%2f${encodeURIComponent(report)}`, 400],
      [`/${courseId}/v1/%252e%252e/%252e%252e/%252e%252e/${report}`, 400],
      [`/${courseId}/v1/shared/launch%2520page.html`, 400],
      [`/${courseId}/v1/shared/launch%20page.html%00.png`, 400],
      [`/${courseId}/v1/shared%5c..%5c..%5cx`, 400],
      [`/${courseId}/v1/%zz`, 400],
      [`/${courseId}/v1//shared/launch%20page.html`, 400],
      [`/${report}`, 404],
      [`/${courseId}/v1`, 404],
      [`/${courseId}/v1/missing.html`, 404],
    ] as const) {
      const response = await rawGet(path);
      expect(response.status, path).toBe(status);
      expect(response.body, path).not.toContain('notChecked');
    }
    expect((await rawGet(`/${courseId}/v1/shared/launch%20page.html`, 'POST')).status).toBe(405);
  });

  const hostile: [string, () => Promise<Buffer>, string][] = [
    ['no manifest', () => zipEntries([{ name: 'index.html', data: ACCESSIBLE_PAGE }]), 'no-manifest'],
    [
      'a manifest in a subfolder',
      () =>
        zipEntries([
          { name: 'course/imsmanifest.xml', data: SCORM12_MANIFEST() },
          { name: 'course/index.html', data: ACCESSIBLE_PAGE },
        ]),
      'manifest-not-at-root',
    ],
    [
      'XML that is not well-formed',
      () =>
        zipEntries([
          { name: 'imsmanifest.xml', data: '<manifest><organizations>' },
          { name: 'index.html', data: ACCESSIBLE_PAGE },
        ]),
      'malformed-xml',
    ],
    [
      'an XML entity bomb',
      () =>
        zipEntries([
          {
            name: 'imsmanifest.xml',
            data: `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>`,
          },
        ]),
      'xml-entities',
    ],
    [
      'an external entity',
      () =>
        zipEntries([
          {
            name: 'imsmanifest.xml',
            data: `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><manifest>&x;</manifest>`,
          },
        ]),
      'xml-entities',
    ],
    [
      'zip slip',
      async () =>
        renameEntry(
          await zipEntries([
            { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
            { name: 'index.html', data: ACCESSIBLE_PAGE },
            { name: 'aa/aa/evil.html', data: 'x' },
          ]),
          'aa/aa/',
          '../../',
        ),
      'unsafe-path',
    ],
    [
      'a symlink',
      () =>
        zipEntries([
          { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
          { name: 'index.html', data: '/etc/passwd', options: { mode: 0o120777 } },
        ]),
      'symlink',
    ],
    [
      'a zip bomb',
      () =>
        zipEntries([
          { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
          { name: 'index.html', data: ACCESSIBLE_PAGE },
          { name: 'zeros.bin', data: Buffer.alloc(300 * 1024 * 1024) },
        ]),
      'zip-bomb',
    ],
    [
      'a file whose bytes fail their CRC-32 once the others are streaming',
      async () =>
        patchCentral(
          await zipEntries([
            { name: 'imsmanifest.xml', data: SCORM12_MANIFEST('index.html', ['media/clip.mp4']) },
            { name: 'index.html', data: ACCESSIBLE_PAGE },
            { name: 'media/clip.mp4', data: randomFillSync(Buffer.alloc(3 * 1024 * 1024)) },
          ]),
          2,
          { crc32: 0x12345678 },
        ),
      'corrupt-zip',
    ],
    ['an empty zip', () => zipEntries([]), 'empty-package'],
    [
      'a truncated zip',
      async () =>
        (
          await zipEntries([
            { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
            { name: 'index.html', data: ACCESSIBLE_PAGE },
          ])
        ).subarray(0, 200),
      'truncated-zip',
    ],
  ];

  it.each(hostile)(
    'rejects %s with a failed job naming it, and stores nothing',
    async (_name, build, code) => {
      const courseId = await newCourse();
      const job = await importPackage(courseId, await build());
      expect(job.status).toBe('failed');
      expect(job.failure.code).toBe(code);
      expect(job.failure.message.length).toBeGreaterThan(10);
      expect(await storedUnder(`courses/${courseId}/`)).toBe(0);
      expect(
        (await api('GET', `/courses/${courseId}`, { token: admin })).json.currentContentVersion,
      ).toBeNull();
    },
  );

  it('rejects an upload larger than announced, and a 0-byte upload', async () => {
    const courseId = await newCourse();
    const zip = await zipEntries([
      { name: 'imsmanifest.xml', data: SCORM12_MANIFEST() },
      { name: 'index.html', data: ACCESSIBLE_PAGE },
    ]);
    const bigger = await importPackage(courseId, zip, 'p.zip', zip.length - 10);
    expect(bigger.failure.code).toBe('upload-size-mismatch');
    const empty = await importPackage(courseId, Buffer.alloc(0), 'p.zip', 1);
    expect(['empty-upload', 'upload-size-mismatch']).toContain(empty.failure.code);
  });

  it('imports a package over 100 MB uploaded in presigned parts, then completed with their ETags', async () => {
    // Prepare: ~110 MB of incompressible media, stored, so the zip is over the multipart threshold
    const courseId = await newCourse();
    const media = Buffer.alloc(110 * 1024 * 1024);
    for (let offset = 0; offset < media.length; offset += 4)
      media.writeUInt32LE((offset * 2654435761) >>> 0, offset);
    const zip = await zipEntries([
      { name: 'imsmanifest.xml', data: SCORM12_MANIFEST('index.html', ['media/video.bin']) },
      { name: 'index.html', data: ACCESSIBLE_PAGE },
      { name: 'media/video.bin', data: media, options: { compress: false } },
    ]);
    // Act
    const requested = await api('POST', `/courses/${courseId}/packages`, {
      token: admin,
      body: { fileName: 'big.zip', sizeBytes: zip.length },
    });
    expect(requested.status, requested.text).toBe(202);
    const { job, upload } = requested.json;
    expect(upload.method).toBe('MULTIPART');
    // 64 MiB parts, the last one what remains; each URL signs its part's length
    const lastPart = zip.length - 64 * 1024 * 1024;
    expect(upload.parts.map((part: { sizeBytes: number }) => part.sizeBytes)).toEqual([
      64 * 1024 * 1024,
      lastPart,
    ]);
    for (const part of upload.parts)
      expect(new URL(part.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of upload.parts as { partNumber: number; url: string }[]) {
      const chunk = zip.subarray((part.partNumber - 1) * upload.partSize, part.partNumber * upload.partSize);
      const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(chunk) });
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }
    const completed = await api('POST', upload.completeWith, { token: admin, body: { parts } });
    expect(completed.status, completed.text).toBe(202);
    const done = await waitForJob(job.id);
    // Assess
    expect(done.status, JSON.stringify(done.failure)).toBe('succeeded');
    expect(done.result).toMatchObject({ contentVersion: 1, fileCount: 3 });
  }, 120_000);

  it('refuses to finish a multipart upload whose parts are not those announced', async () => {
    // Prepare: 110 MB announced (two parts), but the parts sent are 10 bytes each. In AWS the signed
    // length refuses such a PUT and S3 refuses to assemble them; the emulator enforces neither.
    const courseId = await newCourse();
    const announced = 110 * 1024 * 1024;
    const requested = await api('POST', `/courses/${courseId}/packages`, {
      token: admin,
      body: { fileName: 'short.zip', sizeBytes: announced },
    });
    expect(requested.status, requested.text).toBe(202);
    const { job, upload } = requested.json;
    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of upload.parts as { partNumber: number; url: string }[]) {
      const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(10) });
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }
    // Act: a part missing, then all of them
    const missing = await api('POST', upload.completeWith, { token: admin, body: { parts: parts.slice(1) } });
    const short = await api('POST', upload.completeWith, { token: admin, body: { parts } });
    // Assess
    expect(missing.status, missing.text).toBe(400);
    expect(missing.json.errors).toEqual([{ path: 'body.parts', message: 'expected parts 1-2, each once' }]);
    expect(short.status, short.text).toBe(422);
    expect(short.headers.get('content-type')).toContain('application/problem+json');
    expect(short.json.detail).toBe(
      `The parts add up to 20 bytes, but ${announced} were announced; the upload cannot be imported (its job fails): request a new upload.`,
    );
    const done = await waitForJob(job.id);
    expect(done.status).toBe('failed');
    expect(done.failure.code).toBe('upload-size-mismatch');
    expect(await storedUnder(`courses/${courseId}/`)).toBe(0);
  });

  it('refuses an announced size over the cap before anything is uploaded', async () => {
    const courseId = await newCourse();
    const response = await api('POST', `/courses/${courseId}/packages`, {
      token: admin,
      body: { fileName: 'huge.zip', sizeBytes: 3 * 1024 * 1024 * 1024 },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].path).toBe('body.sizeBytes');
  });
});

describe.skipIf(!hasCorpus)('real packages from the corpus', () => {
  const folder = (path: string) => join(CORPUS, path);
  const valid: [string, string, number][] = [
    ['scorm/scorm12/ContentPackagingSingleSCO_SCORM12', 'scorm12', 1],
    ['scorm/scorm12/RuntimeBasicCalls_SCORM12', 'scorm12', 1],
    ['scorm/scorm12/LaunchUrlFromNestedItem_SCORM12', 'scorm12', -1],
    ['scorm/scorm2004/ContentPackagingSingleSCO_SCORM20043rdEdition', 'scorm2004-3rd', 1],
    ['scorm/scorm2004/SequencingSimpleRemediation_SCORM20043rdEdition', 'scorm2004-3rd', -1],
    ['scorm/scorm2004/SequencingPostTestRollup4thEd_SCORM20044thEdition', 'scorm2004-4th', -1],
    ['scorm/zips/singlescobasic.zip', 'scorm12', 1],
    ['scorm/zips/RuntimeBasicCalls_SCORM20043rdEdition.zip', 'scorm2004-3rd', -1],
    ['cmi5/single_au_basic_responsive', 'cmi5', -1],
    ['cmi5/multi_au_framed', 'cmi5', -1],
  ];
  const invalid: [string, string[]][] = [
    ['scorm/scorm12/MalformedXml_SCORM12', ['malformed-xml']],
    ['scorm/scorm12/MissingLaunchUrl_SCORM12', ['missing-launch-file']],
    ['scorm/scorm12/ItemWithNonExistentResourceId_SCORM12', ['dangling-identifierref']],
    ['scorm/scorm12/InvalidFileReferences_SCORM12', ['missing-launch-file', 'file-missing']],
    ['scorm/scorm2004/InvalidMissingOrgIdentifier_SCORM20043rdEdition', ['missing-organization-identifier']],
    ['scorm/scorm2004/MinimalValid_SCORM20043rdEdition', ['missing-launch-file']],
    ['scorm/zips/badscorm.zip', ['manifest-not-at-root', 'empty-package']],
    ['scorm/zips/invalid.zip', ['no-manifest']],
    ['scorm/zips/validaicc.zip', ['aicc-not-supported']],
  ];
  const archive = (path: string) =>
    path.endsWith('.zip') ? Promise.resolve(readFileSync(folder(path))) : zipDirectory(folder(path));

  it.each(valid)('imports %s as %s', async (path, standard, scoCount) => {
    const courseId = await newCourse();
    const job = await importPackage(
      courseId,
      await archive(path),
      `${path.split('/').pop()?.replace('.zip', '')}.zip`,
    );
    expect(job.status, JSON.stringify(job.failure)).toBe('succeeded');
    expect(job.result.standard).toBe(standard);
    expect(job.result.launchUrl).toMatch(/\S/);
    if (scoCount >= 0) expect(job.result.scoCount).toBe(scoCount);
    else expect(job.result.scoCount).toBeGreaterThanOrEqual(1);
    const report = await api('GET', `/courses/${courseId}/content-versions/1/accessibility`, {
      token: admin,
    });
    expect(report.status).toBe(200);
    const launch = String(job.result.launchUrl).split(/[?#]/)[0];
    if (!/^https?:/.test(launch ?? ''))
      expect((await fetch(`${contentUrl()}/${courseId}/v1/${launch}`)).status).toBe(200);
  });

  it.each(invalid)('rejects %s naming its problem', async (path, codes) => {
    const courseId = await newCourse();
    const job = await importPackage(
      courseId,
      await archive(path),
      `${path.split('/').pop()?.replace('.zip', '')}.zip`,
    );
    expect(job.status).toBe('failed');
    expect(codes).toContain(job.failure.code);
    expect(await storedUnder(`courses/${courseId}/`)).toBe(0);
  });
});

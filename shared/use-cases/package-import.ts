/**
 * Package import: an administrator (or the course's instructor) asks to upload a package, uploads it
 * straight to S3 with the presigned request we return, and S3's object-created event starts processing:
 *   download -> inspect the zip (limits, hostile entries) -> find and parse the manifest -> validate ->
 *   stream each file from the zip through its checks to courses/<id>/v<n>/, 8 at a time, while the
 *   accessibility scan runs -> commit (version, course, job).
 * A rejected package fails its job with a code and a sentence, and nothing of it stays in the content bucket
 * (a file that fails mid-stream is never completed, and the files stored before it are deleted).
 * Processing is idempotent: S3 may deliver an event twice, and a run killed half way is re-run by the
 * retry; the version number is allocated once and kept on the job, and nothing is visible before commit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import mime from 'mime-types';
import {
  type AccessibilityReport,
  reportForFiles,
  type ScanWorker,
  scanHtmlFiles,
  startScanWorker,
} from '../content/accessibility.ts';
import { type ArchiveFile, openArchiveTexts, storeArchiveFiles } from '../content/archive.ts';
import { type Finding, PackageRejectedError } from '../content/findings.ts';
import { launchablesOf } from '../content/launchables.ts';
import { DEFAULT_PACKAGE_LIMITS, MAX_CONTENT_PREFIX_BYTES, type PackageLimits } from '../content/limits.ts';
import { type ParsedPackage, rejectionFor } from '../content/manifest.ts';
import { analyzePackage } from '../content/package.ts';
import { type ContentVersion, MAX_PACKAGE_BYTES } from '../domain/content.ts';
import { ConflictError, NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type { Job } from '../domain/job.ts';
import { type Actor, actorId, systemActor } from '../domain/principal.ts';
import { audit, editableCourse } from './catalog.ts';
import type { LifecycleDeps } from './course-lifecycle.ts';
import type { ContentRepository, JobRepository, PackageStorage } from './ports.ts';
import { completeUpload, offerUpload } from './uploads.ts';

export interface ImportDeps extends LifecycleDeps {
  jobs: JobRepository;
  contents: ContentRepository;
  storage: PackageStorage;
  limits?: PackageLimits;
  logger?: Pick<Logger, 'info' | 'error'>;
}

/** Lambda retries an async invocation twice; after the third failed attempt the job is marked failed. */
const MAX_ATTEMPTS = 3;
const UPLOAD_CONCURRENCY = 8;
/** The job's progress is saved every this many stored files. */
const PROGRESS_EVERY_FILES = 200;

/** `packages/<courseId>/<jobId>.zip` in the uploads bucket. */
export function uploadKey(courseId: string, jobId: string): string {
  return `packages/${courseId}/${jobId}.zip`;
}

export function parseUploadKey(key: string): { courseId: string; jobId: string } | undefined {
  const match = /^packages\/([0-9a-f-]{36})\/([0-9a-f-]{36})\.zip$/.exec(key);
  return match?.[1] && match[2] ? { courseId: match[1], jobId: match[2] } : undefined;
}

/** The content bucket's keys: files under `courses/` (served), reports under `reports/` (not served). */
export const contentPrefix = (courseId: string, version: number) => `courses/${courseId}/v${version}/`;
export const accessibilityReportKey = (courseId: string, version: number) =>
  `reports/courses/${courseId}/v${version}/accessibility.json`;

/** Steps: the caller may edit the course, which is not archived -> queue a job -> presign the upload. */
export async function requestPackageUpload(
  deps: ImportDeps,
  actor: Actor,
  courseId: string,
  input: { fileName: string; sizeBytes: number },
) {
  const course = await editableCourse(deps, actor, courseId, undefined);
  if (course.status === 'archived')
    throw new ConflictError(`${course.title} is archived and takes no new content.`);
  const now = deps.runtime.now();
  const job: Job = {
    id: deps.runtime.newId(),
    type: 'package-import',
    status: 'queued',
    target: `course:${courseId}`,
    createdBy: actorId(actor.principal),
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    progress: { step: 'waiting-for-upload', done: 0, total: 0 },
    failure: null,
    findings: [],
    input: { courseId, fileName: input.fileName, sizeBytes: input.sizeBytes, attempts: 0 },
    result: null,
    counts: {},
    outputs: {},
    leaseUntil: null,
    version: 1,
  };
  const key = uploadKey(courseId, job.id);
  const upload = await offerUpload(
    deps.storage,
    key,
    input.sizeBytes,
    `/courses/${courseId}/packages/${job.id}/complete`,
    now,
  );
  if (upload.method === 'MULTIPART') job.input.uploadId = upload.uploadId;
  await deps.jobs.create(job, audit(deps, actor, 'package.upload-requested', null, job, 'job'));
  return { job: { id: job.id, status: job.status }, upload };
}

/**
 * Steps: the job is this course's, queued and multipart -> the parts named are exactly 1..n -> S3 assembles
 * them, refusing parts that do not add up to the announced size -> the object's size is checked again (the
 * emulator enforces neither signed lengths nor that) -> S3's event starts processing.
 */
export async function completePackageUpload(
  deps: ImportDeps,
  actor: Actor,
  courseId: string,
  jobId: string,
  parts: { partNumber: number; etag: string }[],
): Promise<Job> {
  await editableCourse(deps, actor, courseId, undefined);
  const job = await deps.jobs.get(jobId);
  if (!job || job.target !== `course:${courseId}`) throw new NotFoundError('package upload', jobId);
  if (job.status !== 'queued' || typeof job.input.uploadId !== 'string') {
    throw new ConflictError(`The job ${jobId} is ${job.status} and is not waiting for a multipart upload.`);
  }
  await completeUpload(
    deps.storage,
    uploadKey(courseId, jobId),
    job.input.uploadId,
    parts,
    Number(job.input.sizeBytes),
    'the upload cannot be imported (its job fails): request a new upload.',
  );
  return job;
}

/** Processes one uploaded package, as the S3 event reports it. Safe to call again for the same upload. */
export async function processUploadedPackage(
  deps: ImportDeps,
  upload: { key: string; size: number },
): Promise<Job | undefined> {
  const ids = parseUploadKey(upload.key);
  if (!ids) {
    deps.logger?.info('ignoring an upload that is not a package of ours', { key: upload.key });
    return undefined;
  }
  let job = await deps.jobs.get(ids.jobId);
  if (!job || job.target !== `course:${ids.courseId}`) {
    deps.logger?.info('no job for this upload; deleting it', { key: upload.key });
    await deps.storage.deleteUpload(upload.key);
    return undefined;
  }
  if (job.status !== 'queued' && job.status !== 'running') return job;

  const attempts = Number(job.input.attempts ?? 0) + 1;
  const version =
    typeof job.result?.contentVersion === 'number'
      ? job.result.contentVersion
      : await deps.contents.allocateContentVersion(ids.courseId);
  job = await advance(deps, job, {
    status: 'running',
    startedAt: job.startedAt ?? deps.runtime.now().toISOString(),
    input: { ...job.input, attempts },
    result: { contentVersion: version },
    progress: { step: 'download', done: 0, total: 1 },
  });

  const work = await mkdtemp(join(tmpdir(), 'lms-package-'));
  try {
    const content = await importPackage(deps, job, ids.courseId, version, upload, work);
    return await commit(deps, job, content);
  } catch (error) {
    if (error instanceof PackageRejectedError) {
      await deps.storage.deleteContentPrefix(contentPrefix(ids.courseId, version));
      return fail(deps, await current(deps, job), error.code, error.message, error.findings);
    }
    deps.logger?.error('package processing failed', {
      jobId: job.id,
      attempts,
      error: (error as Error).message,
    });
    await deps.storage.deleteContentPrefix(contentPrefix(ids.courseId, version)).catch(() => undefined);
    if (attempts >= MAX_ATTEMPTS) {
      return fail(
        deps,
        await current(deps, job),
        'processing-error',
        `Processing failed ${attempts} times; the last error: ${(error as Error).message}`,
        [],
      );
    }
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function importPackage(
  deps: ImportDeps,
  job: Job,
  courseId: string,
  version: number,
  upload: { key: string; size: number },
  work: string,
): Promise<ContentVersion> {
  const limits = deps.limits ?? DEFAULT_PACKAGE_LIMITS;
  if (upload.size === 0) throw new PackageRejectedError('empty-upload', 'The upload is empty (0 bytes).');
  // Presigned requests bind the declared size in AWS; checking here also covers emulators and multipart.
  if (upload.size !== job.input.sizeBytes) {
    throw new PackageRejectedError(
      'upload-size-mismatch',
      `The upload is ${upload.size} bytes, but ${String(job.input.sizeBytes)} were announced; upload the file you announced.`,
    );
  }
  if (upload.size > Math.min(limits.maxPackageBytes, MAX_PACKAGE_BYTES)) {
    throw new PackageRejectedError(
      'package-too-large',
      `The package is ${upload.size} bytes; the limit is ${Math.min(limits.maxPackageBytes, MAX_PACKAGE_BYTES)}.`,
    );
  }
  // Package paths are limited to what S3's key limit leaves after the longest prefix (limits.ts).
  const prefix = contentPrefix(courseId, version);
  if (Buffer.byteLength(prefix) > MAX_CONTENT_PREFIX_BYTES)
    throw new Error(`Content version ${version} is beyond the 999,999 versions a course can have.`);

  // The scan worker loads jsdom and axe (about a second of CPU) while the package downloads.
  const scanWorker = startScanWorker();
  const stopScan = new AbortController();
  let scan: Promise<AccessibilityReport> | undefined;
  // Progress saves go one after another (each needs the job's latest version) and never hold up the work.
  let progressSaved = Promise.resolve();
  const saveProgress = (step: string, done: number, total: number) => {
    progressSaved = progressSaved.then(async () => {
      job = await progress(deps, job, step, done, total);
    });
    progressSaved.catch(() => undefined); // awaited once the files are stored
  };
  try {
    const zipPath = join(work, 'package.zip');
    await deps.storage.downloadUpload(upload.key, zipPath, upload.size);

    saveProgress('inspect', 0, 1);
    const { inventory, parsed, findings } = await analyzePackage(zipPath, limits);
    const rejection = rejectionFor(findings);
    if (rejection) throw rejection;
    if (!parsed?.launch)
      throw new PackageRejectedError(
        'no-launchable-resource',
        'The package has nothing a learner can launch.',
      );

    // The scan only informs publishing (it never rejects a package or writes anything), so it runs while the
    // files are stored.
    scan = scanPages(zipPath, inventory.files, scanWorker, stopScan.signal);
    scan.catch(() => undefined); // awaited below; a rejection before then must not count as unhandled

    saveProgress('store', 0, inventory.files.length);
    const store = storeFiles(deps, zipPath, prefix, limits, (count) => {
      if (count % PROGRESS_EVERY_FILES === 0) saveProgress('store', count, inventory.files.length);
    });
    const [report, stored] = await Promise.all([scan, store]);
    await progressSaved;
    await deps.storage.putContentJson(accessibilityReportKey(courseId, version), report);

    return {
      courseId,
      version,
      standard: parsed.standard,
      title: parsed.title,
      launchUrl: parsed.launch.url,
      contentPrefix: prefix,
      scoCount: parsed.scoCount,
      scos: scoSummaries(parsed, report),
      fileCount: stored.length,
      totalBytes: stored.reduce((sum, file) => sum + file.size, 0),
      hasSequencing: parsed.hasSequencing,
      launchables: launchablesOf(parsed),
      courseStructureId: parsed.standard === 'cmi5' ? (parsed.identifier ?? null) : null,
      warnings: parsed.findings.filter((finding) => finding.severity === 'warning').map(toJobFinding),
      accessibility: summarise(report),
      jobId: job.id,
      importedBy: job.createdBy,
      importedAt: deps.runtime.now().toISOString(),
      storage: 'standard',
      storageChangedAt: null,
    };
  } finally {
    // Whatever happened, the scan and the progress saves are over before the job is: no page is read or
    // scanned, and the job is not saved behind the caller's back, after a failure.
    stopScan.abort();
    await scanWorker.close();
    await scan?.catch(() => undefined);
    await progressSaved.catch(() => undefined);
  }
}

/**
 * Scans the package's pages, each read from the zip only when a worker is free for it, with the worker
 * started ahead (closed as soon as the pages are scanned, for its memory).
 */
function scanPages(
  zipPath: string,
  files: readonly ArchiveFile[],
  worker: ScanWorker,
  signal: AbortSignal,
): Promise<AccessibilityReport> {
  const pages = files.filter((file) => /\.x?html?$/i.test(file.path) && !isOsDebris(file.path));
  return openArchiveTexts(
    zipPath,
    pages.map((page) => page.path),
  ).then((reader) =>
    scanHtmlFiles(
      pages.map((page) => ({
        path: page.path,
        size: page.size,
        html: (maxBytes: number) => reader.read(page.path, maxBytes),
      })),
      { worker, signal },
    ).finally(async () => {
      reader.close();
      await worker.close();
    }),
  );
}

/**
 * Streams the package's files from the zip through their checks to `prefix` in the content bucket,
 * {@link UPLOAD_CONCURRENCY} at a time; `onStored` hears the count after each file.
 */
function storeFiles(
  deps: ImportDeps,
  zipPath: string,
  prefix: string,
  limits: PackageLimits,
  onStored: (count: number) => void,
) {
  let count = 0;
  return storeArchiveFiles(
    zipPath,
    limits,
    async (file, signal) => {
      await deps.storage.putContentStream(
        `${prefix}${file.path}`,
        file.body,
        file.size,
        contentType(file.path),
        signal,
      );
      count += 1;
      onStored(count);
    },
    // Archivers' debris (macOS resource forks, Finder and Explorer metadata) is not content: not published.
    { concurrency: UPLOAD_CONCURRENCY, include: (path) => !isOsDebris(path) },
  );
}

/** Makes the import visible in one transaction; a course edited meanwhile is re-read and the commit retried. */
async function commit(deps: ImportDeps, job: Job, content: ContentVersion): Promise<Job> {
  const latestJobRead = current(deps, job);
  for (let attempt = 1; ; attempt++) {
    const [latestJob, course] = await Promise.all([latestJobRead, deps.catalog.getCourse(content.courseId)]);
    if (!course) throw new NotFoundError('course', content.courseId);
    const now = deps.runtime.now().toISOString();
    const updatedCourse = {
      ...course,
      currentContentVersion: content.version,
      updatedAt: now,
      version: course.version + 1,
    };
    const done: Job = {
      ...latestJob,
      status: 'succeeded',
      finishedAt: now,
      progress: { step: 'done', done: 1, total: 1 },
      findings: content.warnings,
      result: {
        contentVersion: content.version,
        standard: content.standard,
        launchUrl: content.launchUrl,
        scoCount: content.scoCount,
        fileCount: content.fileCount,
        accessibility: {
          blocking: content.accessibility.blocking,
          critical: content.accessibility.critical,
          serious: content.accessibility.serious,
        },
      },
      version: latestJob.version + 1,
    };
    const system = systemActor('system:package-import', job.id, ['admin']);
    try {
      await deps.contents.commitImport({
        content,
        course: updatedCourse,
        expectedCourseVersion: course.version,
        job: done,
        expectedJobVersion: latestJob.version,
        audit: audit(deps, system, 'course.content-imported', course, updatedCourse),
      });
      await deps.storage.deleteUpload(uploadKey(content.courseId, job.id)).catch(() => undefined);
      return done;
    } catch (error) {
      // The course was edited while we imported: read it again and point it at the new version.
      if (attempt >= 3 || !(error instanceof StaleVersionError) || error.kind !== 'course') throw error;
    }
  }
}

async function fail(
  deps: ImportDeps,
  job: Job,
  code: string,
  message: string,
  findings: Finding[],
): Promise<Job> {
  const failed = await advance(deps, job, {
    status: 'failed',
    finishedAt: deps.runtime.now().toISOString(),
    failure: { code, message },
    findings: findings.map(toJobFinding),
  });
  // The upload is refused or unusable: nothing of it stays (the uploads bucket's lifecycle is the backstop).
  await deps.storage.deleteUpload(uploadKey(String(job.input.courseId), job.id)).catch(() => undefined);
  return failed;
}

async function progress(deps: ImportDeps, job: Job, step: string, done: number, total: number): Promise<Job> {
  return advance(deps, job, { progress: { step, done, total } });
}

async function advance(deps: ImportDeps, job: Job, change: Partial<Job>): Promise<Job> {
  const next: Job = { ...job, ...change, version: job.version + 1 };
  await deps.jobs.save(next, job.version);
  return next;
}

async function current(deps: ImportDeps, job: Job): Promise<Job> {
  return (await deps.jobs.get(job.id)) ?? job;
}

function scoSummaries(parsed: ParsedPackage, report: AccessibilityReport): ContentVersion['scos'] {
  if (parsed.aus && parsed.aus.length > 0) {
    return parsed.aus.map((au) => ({
      identifier: au.id,
      title: au.title,
      launchUrl: au.url,
      accessibility: summarise(reportForFiles(report, [au.url.split(/[?#]/)[0] ?? au.url])),
    }));
  }
  return parsed.resources
    .filter((resource) => resource.scormType === 'sco' && resource.href)
    .map((resource) => ({
      identifier: resource.identifier,
      title: titleOf(parsed, resource.identifier),
      launchUrl: resource.href ?? '',
      accessibility: summarise(reportForFiles(report, resource.files)),
    }));
}

function titleOf(parsed: ParsedPackage, resourceIdentifier: string): string {
  const stack = parsed.organizations.flatMap((organization) => organization.items);
  while (stack.length > 0) {
    const item = stack.shift();
    if (!item) break;
    if (item.identifierref === resourceIdentifier) return item.title;
    stack.push(...item.children);
  }
  return resourceIdentifier;
}

function summarise(report: AccessibilityReport): ContentVersion['accessibility'] {
  return { ...report.summary, blocking: report.blocking, notChecked: report.notChecked };
}

function toJobFinding(finding: Finding) {
  return {
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    ...(finding.file ? { file: finding.file } : {}),
    ...(finding.element ? { element: finding.element } : {}),
  };
}

function isOsDebris(path: string): boolean {
  return path.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini)$/i.test(path);
}

function contentType(path: string): string {
  const type = mime.lookup(path);
  if (!type) return 'application/octet-stream';
  return /^text\/|javascript|json|xml/.test(type) ? `${type}; charset=utf-8` : type;
}

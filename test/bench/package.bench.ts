/**
 * Package import (processUploadedPackage: S3 download, inspection and limits, manifest, extraction,
 * accessibility scan, upload of every file to the content bucket, commit) against the same work done with
 * plain tools in the same run.
 *
 * - `package.throughput.ratio`: a generated SCORM 1.2 package (~150 MB uncompressed: 5 lesson pages, 40
 *   media-like files of random bytes, compressible JS/CSS), processed by the use case, against a baseline of
 *   GetObject of the same zip to a file + `unzip -q -o` + PutObject of every extracted file into the content
 *   bucket, 8 at a time in batches. Both upload 8 files at a time (the use case keeps 8 in flight, streaming
 *   each from the zip as it is checked): above 1, the pipeline's overlap (download in ranges, store while
 *   inflating and scanning) pays for its validation, scan and bookkeeping. MB/s = uncompressed bytes /
 *   seconds; median ratio of interleaved rounds (a new course and job each round).
 * - `package.peak-rss.mb`: a generated ~1 GB package processed in a child process (the emulators, s3rver
 *   included, run in this one) bundled and started as the process-package function is (its NODE_OPTIONS),
 *   which reports its peak RSS (`process.resourceUsage().maxRSS`).
 *
 * MB are MiB throughout. Sizes: LMS_BENCH_PACKAGE_MB (the RSS package, default 1024), LMS_BENCH_PACKAGE_THROUGHPUT_MB (default
 * 150), LMS_BENCH_PACKAGE_ROUNDS (default 3).
 */
import { execFile, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import yazl from 'yazl';
import { functionNodeOptions, lmsEsbuildOptions } from '../../infra/constructs/lms-function.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { processPackage } from '../../shared/jobs/manifest.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import {
  type ImportDeps,
  processUploadedPackage,
  requestPackageUpload,
  uploadKey,
} from '../../shared/use-cases/package-import.ts';
import { type Figure, median } from './figures.ts';

const MiB = 1024 * 1024;
const UPLOAD_CONCURRENCY = 8;
const PAGES = 5;
const admin = systemActor('bench', 'bench', ['admin']);
const out = join(PROJECT_ROOT, '.local', 'bench');
const run = promisify(execFile);

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

export async function benchPackage(stack: LocalStack): Promise<Figure[]> {
  // The local stack feeds the uploads bucket's object-created events to the processing job, which would
  // process each upload concurrently with the call we time. Stop that runner: we call the use case directly.
  stack.jobs.stop();
  await mkdir(out, { recursive: true });
  return [await throughput(), await peakRss(stack)];
}

// ---------------------------------------------------------------------------------------------------------
// Throughput

async function throughput(): Promise<Figure> {
  const targetMb = setting('LMS_BENCH_PACKAGE_THROUGHPUT_MB', 150);
  const rounds = Math.max(1, Math.round(setting('LMS_BENCH_PACKAGE_ROUNDS', 3)));
  const zipPath = join(out, 'package-throughput.zip');
  const textBytes = Math.round(Math.min(10, targetMb / 15) * MiB);
  const mediaTotal = targetMb * MiB - textBytes;
  // 40 files of 1-8 MB (seeded, so every run has the same shape), scaled to the target.
  const random = seeded(42);
  const drawn = Array.from({ length: 40 }, () => 1 + 7 * random());
  const drawnSum = drawn.reduce((sum, size) => sum + size, 0);
  const spec: PackageSpec = {
    mediaSizes: drawn.map((size) => Math.round((size / drawnSum) * mediaTotal)),
    compressMedia: true,
    textBytes,
  };
  const generated = await timed(() => generatePackage(zipPath, spec));
  const pkg = generated.value;
  const s3 = s3Client();
  const uploads = requireSetting('uploadsBucket');
  const content = requireSetting('contentBucket');
  const baselineKey = `bench/package-baseline-${Date.now()}.zip`;
  await putFile(uploads, baselineKey, zipPath, pkg.zipBytes);
  const deps = catalogPorts();

  const ours: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  const stepTimes: Record<string, number>[] = [];
  const baselineStepTimes: Record<string, number>[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const key = await preparedUpload(`Bench throughput ${round + 1}`, zipPath, pkg.zipBytes);
      const measureOurs = async () => {
        const steps = followSteps(deps);
        const { value: job, ms } = await timed(() =>
          processUploadedPackage(deps, { key: key.key, size: pkg.zipBytes }),
        );
        stepTimes.push(steps.finish());
        if (job?.status !== 'succeeded')
          throw new Error(`the import did not succeed: ${JSON.stringify(job?.failure ?? job?.status)}`);
        await deps.storage.deleteContentPrefix(`courses/${key.courseId}/`);
        await deps.storage.deleteContentPrefix(`reports/courses/${key.courseId}/`);
        return ms;
      };
      const measureBaseline = async () => {
        const prefix = `bench/baseline-${key.courseId}/`;
        const work = await mkdtemp(join(out, 'baseline-'));
        try {
          const times: Record<string, number> = {};
          let lap = performance.now();
          const step = (name: string) => {
            const now = performance.now();
            times[name] = now - lap;
            lap = now;
          };
          const { ms } = await timed(async () => {
            const zip = join(work, 'package.zip');
            const root = join(work, 'files');
            const { Body } = await s3.send(new GetObjectCommand({ Bucket: uploads, Key: baselineKey }));
            await pipeline(Body as Readable, createWriteStream(zip));
            step('download');
            await run('unzip', ['-q', '-o', zip, '-d', root]);
            step('unzip');
            const files = (await readdir(root, { recursive: true, withFileTypes: true }))
              .filter((entry) => entry.isFile())
              .map((entry) => join(entry.parentPath, entry.name));
            for (let start = 0; start < files.length; start += UPLOAD_CONCURRENCY) {
              await Promise.all(
                files.slice(start, start + UPLOAD_CONCURRENCY).map(async (file) => {
                  const { size } = await stat(file);
                  await putFile(content, `${prefix}${relative(root, file)}`, file, size);
                }),
              );
            }
            step('put');
            if (files.length !== pkg.fileCount)
              throw new Error(`unzip wrote ${files.length} files, the package has ${pkg.fileCount}`);
          });
          baselineStepTimes.push(times);
          return ms;
        } finally {
          await rm(work, { recursive: true, force: true });
          await deps.storage.deleteContentPrefix(prefix);
        }
      };
      // Interleaved: alternate which goes first, so neither always runs on a warmer (or more tired) machine.
      let oursMs: number;
      let baselineMs: number;
      if (round % 2 === 0) {
        oursMs = await measureOurs();
        baselineMs = await measureBaseline();
      } else {
        baselineMs = await measureBaseline();
        oursMs = await measureOurs();
      }
      ours.push(mbPerSecond(pkg.uncompressedBytes, oursMs));
      baseline.push(mbPerSecond(pkg.uncompressedBytes, baselineMs));
      ratios.push(baselineMs / oursMs);
      log(
        `package.throughput round ${round + 1}: ours ${seconds(oursMs)} s (${describeSteps(stepTimes.at(-1) ?? {})}), baseline ${seconds(baselineMs)} s (${describeSteps(baselineStepTimes.at(-1) ?? {})})`,
      );
    }
  } finally {
    await s3.send(new DeleteObjectCommand({ Bucket: uploads, Key: baselineKey }));
    await rm(zipPath, { force: true });
  }
  return {
    id: 'package.throughput.ratio',
    value: median(ratios),
    unit: 'x',
    op: '>=',
    target: 1.0,
    note:
      `processUploadedPackage (download in 8 MiB ranges, inspect, manifest, each file streamed from the zip through its checks to S3 with 8 in flight while ${PAGES} pages are scanned, commit) ` +
      `vs GetObject + \`unzip\` + PutObject 8 at a time of the same files, on a generated SCORM 1.2 package ` +
      `(${pkg.fileCount} files, ${mb(pkg.uncompressedBytes)} MB uncompressed, ${mb(pkg.zipBytes)} MB zip); median of ` +
      `${rounds} interleaved rounds: ${median(ours).toFixed(1)} MB/s vs ${median(baseline).toFixed(1)} MB/s ` +
      `(median s by step: ours ${describeSteps(medianSteps(stepTimes))}; baseline ${describeSteps(medianSteps(baselineStepTimes))}; ` +
      `package generated in ${seconds(generated.ms)} s)`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Peak RSS

interface ChildReport {
  status: string | undefined;
  failure: unknown;
  ms: number;
  /** KiB, after the imports and before processing. */
  importMaxRssKiB: number;
  /** KiB, at the end. */
  maxRssKiB: number;
  /** Highest sampled RSS (MiB) during each step of the job. */
  peakRssMbByStep: Record<string, number>;
}

async function peakRss(stack: LocalStack): Promise<Figure> {
  const targetMb = setting('LMS_BENCH_PACKAGE_MB', 1024);
  const zipPath = join(out, 'package-rss.zip');
  const mediaFile = 32 * MiB;
  const textBytes = 4 * MiB;
  const mediaCount = Math.max(1, Math.round((targetMb * MiB - textBytes) / mediaFile));
  const spec: PackageSpec = {
    mediaSizes: Array.from({ length: mediaCount }, () => mediaFile),
    compressMedia: false,
    textBytes,
  };
  const deps = catalogPorts();
  let courseId: string | undefined;
  try {
    const generated = await timed(() => generatePackage(zipPath, spec));
    const pkg = generated.value;
    const uploaded = await timed(() => preparedUpload('Bench peak RSS', zipPath, pkg.zipBytes));
    courseId = uploaded.value.courseId;
    const report = await runChild(stack, uploaded.value.key, pkg.zipBytes);
    if (report.status !== 'succeeded')
      throw new Error(`the import did not succeed: ${JSON.stringify(report.failure ?? report.status)}`);
    const steps = Object.entries(report.peakRssMbByStep)
      .map(([step, peak]) => `${step} ${peak.toFixed(0)}`)
      .join(', ');
    log(
      `package.peak-rss: generated in ${(generated.ms / 1000).toFixed(1)} s, uploaded in ${(uploaded.ms / 1000).toFixed(1)} s, processed in ${(report.ms / 1000).toFixed(1)} s; peak RSS by step (MiB): ${steps}`,
    );
    return {
      id: 'package.peak-rss.mb',
      value: report.maxRssKiB / 1024,
      unit: 'MB',
      op: '<=',
      target: 256,
      note:
        `peak RSS (maxRSS) of a child process running processUploadedPackage on a generated ${mb(pkg.zipBytes)} MB ` +
        `SCORM 1.2 package (${pkg.fileCount} files, media stored uncompressed) in ${(report.ms / 1000).toFixed(1)} s; ` +
        `${(report.importMaxRssKiB / 1024).toFixed(0)} MB after loading the modules (bundled as for Lambda, ` +
        `NODE_OPTIONS \`${functionNodeOptions(processPackage.nodeOptions)}\` as the function has); ` +
        `sampled peak by step (MB): ${steps}`,
    };
  } finally {
    await rm(zipPath, { force: true });
    if (courseId) {
      await deps.storage.deleteContentPrefix(`courses/${courseId}/`);
      await deps.storage.deleteContentPrefix(`reports/courses/${courseId}/`);
    }
  }
}

/**
 * The child is bundled exactly as CDK bundles the Lambda (lmsEsbuildOptions; jsdom and axe-core left as
 * node_modules, as the function ships them), so the figure is the product's memory, not tsx's (~40 MB).
 */
async function bundleChild(): Promise<string> {
  const outfile = join(PROJECT_ROOT, '.local', 'bench', 'package-rss-child.mjs');
  await build({
    ...lmsEsbuildOptions('test/bench/package-rss-child.ts', outfile),
    external: [...(processPackage.nodeModules ?? [])],
    logLevel: 'error',
  });
  return outfile;
}

async function runChild(stack: LocalStack, key: string, size: number): Promise<ChildReport> {
  const bundle = await bundleChild();
  // Asynchronous on purpose: s3rver answers the child's requests from this process's event loop. With the
  // NODE_OPTIONS CDK gives the process-package function (shared/jobs/manifest.ts), so the figure is its.
  const child = spawn(process.execPath, [bundle, key, String(size)], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...stack.env,
      NODE_OPTIONS: functionNodeOptions(processPackage.nodeOptions),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`the RSS child exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return JSON.parse(line) as ChildReport;
}

// ---------------------------------------------------------------------------------------------------------
// Upload, as an administrator's client would: a course, a job, the zip in the uploads bucket.

async function preparedUpload(title: string, zipPath: string, zipBytes: number) {
  const deps = catalogPorts();
  const course = await createCourse(deps, admin, { title });
  const { job } = await requestPackageUpload(deps, admin, course.id, {
    fileName: 'bench-package.zip',
    sizeBytes: zipBytes,
  });
  // Above 100 MB the client would upload in parts; one PutObject of the same bytes is the same object.
  const key = uploadKey(course.id, job.id);
  await putFile(requireSetting('uploadsBucket'), key, zipPath, zipBytes);
  return { key, courseId: course.id };
}

async function putFile(bucket: string, key: string, path: string, size: number): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: size === 0 ? '' : createReadStream(path),
      ContentLength: size,
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Package generation, streamed: nothing of a file's contents is held beyond one 1 MiB chunk.

interface PackageSpec {
  /** Sizes of the media-like files (random bytes: incompressible, like video and images). */
  mediaSizes: number[];
  /** Deflate the media entries (as zip tools do by default) or store them. */
  compressMedia: boolean;
  /** Total size of the JS and CSS files (compressible text). */
  textBytes: number;
}

interface GeneratedPackage {
  zipBytes: number;
  fileCount: number;
  uncompressedBytes: number;
}

const MEDIA_TYPES = ['mp4', 'mp4', 'mp3', 'jpg', 'png', 'webm', 'woff2'];

async function generatePackage(zipPath: string, spec: PackageSpec): Promise<GeneratedPackage> {
  const media = spec.mediaSizes.map((size, index) => ({
    path: `media/asset-${String(index + 1).padStart(3, '0')}.${MEDIA_TYPES[index % MEDIA_TYPES.length]}`,
    size,
    page: index % PAGES,
  }));
  const textFiles = 20;
  const text = Array.from({ length: textFiles }, (_, index) => ({
    path: index % 4 === 3 ? `shared/css/style-${index + 1}.css` : `shared/js/module-${index + 1}.js`,
    size: Math.floor(spec.textBytes / textFiles),
  }));
  const pages = Array.from({ length: PAGES }, (_, index) => {
    const own = media.filter((file) => file.page === index);
    return { path: `lesson-${index + 1}.html`, html: lessonPage(index + 1, own, text), media: own };
  });
  const manifest = scormManifest(pages, text);

  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(manifest), 'imsmanifest.xml');
  for (const page of pages) zip.addBuffer(Buffer.from(page.html), page.path);
  for (const file of text) {
    zip.addReadStreamLazy(file.path, { size: file.size }, (callback) =>
      callback(null, generated(file.size, file.path.endsWith('.css') ? cssChunk : jsChunk)),
    );
  }
  for (const file of media) {
    zip.addReadStreamLazy(file.path, { size: file.size, compress: spec.compressMedia }, (callback) =>
      callback(null, generated(file.size, randomChunk)),
    );
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  const files = [
    manifest.length,
    ...pages.map((page) => Buffer.byteLength(page.html)),
    ...text.map((file) => file.size),
    ...media.map((file) => file.size),
  ];
  return {
    zipBytes: (await stat(zipPath)).size,
    fileCount: files.length,
    uncompressedBytes: files.reduce((sum, size) => sum + size, 0),
  };
}

/** A stream of exactly `size` bytes, produced a chunk at a time. */
function generated(size: number, chunk: (bytes: number, index: number) => Buffer): Readable {
  let left = size;
  let index = 0;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const bytes = Math.min(MiB, left);
      left -= bytes;
      this.push(chunk(bytes, index++));
    },
  });
}

function randomChunk(bytes: number): Buffer {
  return randomFillSync(Buffer.allocUnsafe(bytes));
}

function textChunk(bytes: number, line: (n: number) => string, index: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let n = index * 20_000; length < bytes; n++) {
    const next = line(n);
    lines.push(next);
    length += next.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

function jsChunk(bytes: number, index: number): Buffer {
  return textChunk(
    bytes,
    (n) =>
      `export function step${n}(state, input) {\n  const next = { ...state, score: state.score + ${n % 97} };\n` +
      `  if (input.answer === 'choice-${n % 7}') next.correct = (next.correct ?? 0) + 1;\n  return next;\n}\n`,
    index,
  );
}

function cssChunk(bytes: number, index: number): Buffer {
  return textChunk(
    bytes,
    (n) =>
      `.slide-${n} .panel-${n % 13} { margin: ${n % 24}px auto; padding: ${n % 9}px; color: #${(n * 2654435761).toString(16).slice(-6).padStart(6, '0')}; }\n`,
    index,
  );
}

function lessonPage(number: number, media: { path: string }[], text: { path: string }[]): string {
  const paragraphs = Array.from(
    { length: 30 },
    (_, index) =>
      `<p>Section ${index + 1} of lesson ${number} explains one idea, with an example and a short summary, so that the page has the amount of text a real lesson has.</p>`,
  ).join('\n');
  const mediaHtml = media
    .map((file, index) =>
      /\.(mp4|webm)$/.test(file.path)
        ? `<video controls src="${file.path}" aria-label="Video ${index + 1} of lesson ${number}"></video>`
        : /\.mp3$/.test(file.path)
          ? `<audio controls src="${file.path}"></audio>`
          : /\.(jpg|png)$/.test(file.path)
            ? `<img src="${file.path}" alt="Illustration ${index + 1} of lesson ${number}">`
            : '',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lesson ${number}</title>
${text
  .filter((file) => file.path.endsWith('.css'))
  .map((file) => `<link rel="stylesheet" href="${file.path}">`)
  .join('\n')}
${text
  .filter((file) => file.path.endsWith('.js'))
  .map((file) => `<script type="module" src="${file.path}"></script>`)
  .join('\n')}
</head>
<body>
<header><nav aria-label="Lessons"><ul>${Array.from({ length: PAGES }, (_, index) => `<li><a href="lesson-${index + 1}.html">Lesson ${index + 1}</a></li>`).join('')}</ul></nav></header>
<main>
<h1>Lesson ${number}</h1>
${paragraphs}
${mediaHtml}
<form><label for="answer">Your answer</label><input id="answer" type="text"><button type="submit">Check</button></form>
</main>
</body>
</html>
`;
}

function scormManifest(
  pages: { path: string; media: { path: string }[] }[],
  text: { path: string }[],
): string {
  const items = pages
    .map(
      (_page, index) =>
        `      <item identifier="ITEM-${index + 1}" identifierref="RES-${index + 1}"><title>Lesson ${index + 1}</title></item>`,
    )
    .join('\n');
  const resources = pages
    .map(
      (page, index) =>
        `    <resource identifier="RES-${index + 1}" type="webcontent" adlcp:scormtype="sco" href="${page.path}">
      <file href="${page.path}"/>
${page.media.map((file) => `      <file href="${file.path}"/>`).join('\n')}
      <dependency identifierref="SHARED"/>
    </resource>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.bench" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Benchmark course</title>
${items}
    </organization>
  </organizations>
  <resources>
${resources}
    <resource identifier="SHARED" type="webcontent" adlcp:scormtype="asset">
${text.map((file) => `      <file href="${file.path}"/>`).join('\n')}
    </resource>
  </resources>
</manifest>
`;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Time spent in each step of the job, from the progress the use case saves at each step (`running` until the
 * store step ends; the commit is counted in `store`). Wraps `jobs.save` until `finish()`.
 */
function followSteps(deps: ImportDeps): { finish(): Record<string, number> } {
  const save = deps.jobs.save;
  const times: Record<string, number> = {};
  let step = 'start';
  let since = performance.now();
  const enter = (next: string) => {
    const now = performance.now();
    times[step] = (times[step] ?? 0) + (now - since);
    step = next;
    since = now;
  };
  deps.jobs.save = (job, expectedVersion) => {
    if (job.status === 'running' && job.progress.step !== step) enter(job.progress.step);
    return save.call(deps.jobs, job, expectedVersion);
  };
  return {
    finish: () => {
      enter('done');
      deps.jobs.save = save;
      return times;
    },
  };
}

function medianSteps(rounds: Record<string, number>[]): Record<string, number> {
  const names = [...new Set(rounds.flatMap((times) => Object.keys(times)))];
  return Object.fromEntries(names.map((name) => [name, median(rounds.map((times) => times[name] ?? 0))]));
}

function describeSteps(times: Record<string, number>): string {
  return Object.entries(times)
    .map(([step, ms]) => `${step} ${seconds(ms)}`)
    .join(', ');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Deterministic [0, 1) numbers (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mbPerSecond(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}

function mb(bytes: number): string {
  return (bytes / MiB).toFixed(0);
}

function log(line: string): void {
  console.error(line);
}

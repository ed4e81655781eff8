/**
 * People imports (issue 11): the apply step's write rate against raw BatchWriteItem, and the plan step's
 * memory on a file ten times larger.
 *
 * - `import.rows-per-s.ratio`: a generated people file in our format (email, given_name, family_name,
 *   external_id, department; 100,000 new people) is uploaded, planned (runPlan) and applied by the real apply
 *   step (runApply: plan parts read back, the first chunk's people read back, change log, conditional
 *   transactions of people with their claims and audit records, checkpoint per chunk). The baseline is a raw BatchWriteItem loop (25 a
 *   call, one call after another, unprocessed items sent again) writing the same items for the same people
 *   under other ids and emails: the profile, its email and external-id claims, the audit record and the
 *   change-log entry, built by the same functions the apply uses, into the same table. The two alternate in
 *   slices (the apply runs for LMS_BENCH_IMPORT_SLICE_S seconds and hands over, as a Lambda does before its
 *   timeout; the raw loop then writes as many people), so both see the same machine; the figure is the
 *   median over slices of rows/s(apply) / rows/s(raw).
 * - `import.rss.ratio`: peak RSS of a child process planning a file of 1,000,000 rows against one of 100,000
 *   (each child bundled as CDK bundles the plan-import Lambda, run against the same local stack): the plan
 *   must stream, whatever the file's size.
 *
 * Sizes: LMS_BENCH_IMPORT_ROWS (default 100000), LMS_BENCH_IMPORT_SLICE_S (default 30),
 * LMS_BENCH_IMPORT_RSS_ROWS (the smaller RSS file, default 100000; the larger is ten times that).
 * LMS_BENCH_IMPORT_FIGURES=rows or =rss measures one of the two (`npm run bench -- import`).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { lmsEsbuildOptions } from '../../infra/constructs/lms-function.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { dynamoDb, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import type { User } from '../../shared/domain/user.ts';
import { planImport } from '../../shared/jobs/manifest.ts';
import { auditWrite } from '../../shared/store/audit-store.ts';
import { importSourceKey } from '../../shared/store/import-files.ts';
import { importRunPorts } from '../../shared/store/import-wiring.ts';
import { keys } from '../../shared/store/keys.ts';
import { profileWrites } from '../../shared/store/user-store.ts';
import { auditChange } from '../../shared/use-cases/context.ts';
import { runApply } from '../../shared/use-cases/imports/apply.ts';
import { runPlan } from '../../shared/use-cases/imports/plan.ts';
import type { StoredPlanEntry } from '../../shared/use-cases/imports/ports.ts';
import { requestApply, requestImport } from '../../shared/use-cases/imports/requests.ts';
import { type Figure, median } from './figures.ts';

const BATCH_WRITE_LIMIT = 25;
const admin = systemActor('bench', 'bench', ['admin']);
const out = join(PROJECT_ROOT, '.local', 'bench');

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** The import ports as the functions have them, without the queue: the bench runs apply itself. */
function ports() {
  return { ...importRunPorts(), work: { start: async () => {} } };
}

export async function benchImport(stack: LocalStack): Promise<Figure[]> {
  // The local stack plans an upload on its S3 event: stop that runner, the bench runs the steps itself.
  stack.jobs.stop();
  await mkdir(out, { recursive: true });
  const only = process.env.LMS_BENCH_IMPORT_FIGURES;
  return [
    ...(only === 'rss' ? [] : [await rowsPerSecond()]),
    ...(only === 'rows' ? [] : [await peakRssRatio(stack)]),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Rows per second

async function rowsPerSecond(): Promise<Figure> {
  const rows = Math.round(setting('LMS_BENCH_IMPORT_ROWS', 100_000));
  const sliceMs = setting('LMS_BENCH_IMPORT_SLICE_S', 30) * 1000;
  const deps = ports();
  const id = await uploadedImport(rows, 'rows');
  const plan = await timed(() => runPlan(deps, id, `bench-plan-${id}`));
  if (plan.value?.status !== 'planned' || plan.value.counts.create !== rows)
    throw new Error(`the plan is not ${rows} creates: ${JSON.stringify(plan.value?.counts ?? plan.value)}`);
  await requestApply(deps, admin, id, {});
  const total = plan.value.plan?.entries ?? 0;

  const raw = rawItems(id);
  const ratios: number[] = [];
  let applied = { rows: 0, ms: 0 };
  let written = { rows: 0, ms: 0 };
  let lastSlice = 0;
  for (let slice = 0; ; slice++) {
    const applySlice = async () => {
      const before = (await deps.imports.get(id))?.checkpoint ?? 0;
      const { value: outcome, ms } = await timed(() =>
        runApply(deps, id, `bench-apply-${slice}`, { deadline: Date.now() + sliceMs }),
      );
      const after = await deps.imports.get(id);
      if (outcome === 'skipped') throw new Error('the apply run was skipped');
      const done = (after?.checkpoint ?? 0) - before;
      applied = { rows: applied.rows + done, ms: applied.ms + ms };
      lastSlice = done;
      return { rows: done, ms, finished: outcome === 'done' };
    };
    const rawSlice = async (people: number) => {
      const items = await raw.next(people);
      const { ms } = await timed(() => batchWriteLoop(items.items));
      written = { rows: written.rows + items.people, ms: written.ms + ms };
      return { rows: items.people, ms };
    };
    // Alternate which goes first; the raw loop writes as many people as the apply's last slice did.
    let ours: { rows: number; ms: number; finished: boolean };
    let theirs: { rows: number; ms: number };
    if (slice % 2 === 0 || lastSlice === 0) {
      ours = await applySlice();
      theirs = await rawSlice(ours.rows);
    } else {
      theirs = await rawSlice(lastSlice);
      ours = await applySlice();
    }
    if (ours.rows > 0 && theirs.rows > 0) ratios.push(ours.rows / ours.ms / (theirs.rows / theirs.ms));
    log(
      `import.rows-per-s slice ${slice + 1}: apply ${ours.rows} rows in ${seconds(ours.ms)} s, raw ${theirs.rows} in ${seconds(theirs.ms)} s`,
    );
    if (ours.finished) break;
  }
  const record = await deps.imports.get(id);
  if (record?.status !== 'applied' || record.applied?.done !== rows || record.checkpoint !== total)
    throw new Error(`the apply did not apply ${rows} people: ${JSON.stringify(record?.applied)}`);
  const perSecond = (work: { rows: number; ms: number }) => Math.round(work.rows / (work.ms / 1000));
  return {
    id: 'import.rows-per-s.ratio',
    value: median(ratios),
    unit: 'x',
    op: '>=',
    target: 0.7,
    note:
      `applying ${rows.toLocaleString('en')} new people (runApply: plan parts, the first chunk read back, change log 4 batches at once, conditional transactions of people with their claims and audit records 4 at once, a checkpoint per 100) ` +
      `vs a raw BatchWriteItem loop (25 a call, one after another) of the same items (profile, email and external-id claims, audit record, change-log entry: 5 per person), same table, ` +
      `median of ${ratios.length} interleaved slices of ${seconds(sliceMs)} s: ${perSecond(applied)} vs ${perSecond(written)} rows/s overall ` +
      `(planned in ${seconds(plan.ms)} s: ${Math.round(rows / (plan.ms / 1000))} rows/s)`,
  };
}

/**
 * The items the apply writes for each person of the plan, for other people (other ids, emails and external
 * ids, so both can be written to one table): built with the apply's own item functions, read from the plan
 * before each raw slice (outside its timing).
 */
function rawItems(importId: string) {
  const table = requireSetting('tableName');
  const rawImport = randomUUID();
  const files = ports().files;
  let part = 0;
  let buffered: StoredPlanEntry[] = [];
  const actor = systemActor(`import:${rawImport}`, 'bench', ['admin']);
  return {
    async next(people: number): Promise<{ people: number; items: Record<string, unknown>[] }> {
      const items: Record<string, unknown>[] = [];
      let taken = 0;
      while (taken < people) {
        if (buffered.length === 0) {
          buffered = await files.planPart(importId, 'all', part++);
          if (buffered.length === 0) break;
        }
        const entry = buffered.shift();
        if (entry?.write?.op !== 'person') continue;
        const user: User = {
          ...entry.write.after,
          id: randomUUID(),
          email: `raw.${entry.write.after.email}`,
          externalId: entry.write.after.externalId ? `RAW-${entry.write.after.externalId}` : null,
        };
        const runtime = { now: () => new Date(), newId: () => `${rawImport}.${entry.seq}` };
        for (const write of profileWrites(table, null, user)) {
          const item = write.item.Put?.Item;
          if (item) items.push(item);
        }
        const audit = auditWrite(
          table,
          auditChange(runtime, actor, 'user.created', `user:${user.id}`, null, user),
        );
        if (audit.item.Put?.Item) items.push(audit.item.Put.Item);
        items.push({
          ...keys.importChange(rawImport, entry.seq),
          entity: 'import-change',
          op: 'person',
          before: null,
          after: user,
          seq: entry.seq,
          line: entry.line,
        });
        taken++;
      }
      return { people: taken, items };
    },
  };
}

/** BatchWriteItem, 25 items per call, one call after the other, unprocessed items sent again. */
async function batchWriteLoop(items: readonly Record<string, unknown>[]): Promise<void> {
  const tableName = requireSetting('tableName');
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items
      .slice(start, start + BATCH_WRITE_LIMIT)
      .map((Item) => ({ PutRequest: { Item } }));
    while (requests && requests.length > 0) {
      const result = await dynamoDb().send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = result.UnprocessedItems?.[tableName] as typeof requests;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Peak RSS of the plan step

interface ChildReport {
  status: string | undefined;
  rows: number | undefined;
  failure: unknown;
  ms: number;
  importMaxRssKiB: number;
  maxRssKiB: number;
  peakRssMbByPass: Record<string, number>;
}

async function peakRssRatio(stack: LocalStack): Promise<Figure> {
  const small = Math.round(setting('LMS_BENCH_IMPORT_RSS_ROWS', 100_000));
  const large = small * 10;
  const bundle = await bundleChild();
  const reports: ChildReport[] = [];
  for (const rows of [small, large]) {
    const id = await uploadedImport(rows, 'rss');
    const report = await runChild(stack, bundle, id);
    if (report.status !== 'planned' || report.rows !== rows)
      throw new Error(`the plan of ${rows} rows did not finish: ${JSON.stringify(report)}`);
    log(
      `import.rss: ${rows} rows planned in ${seconds(report.ms)} s, peak RSS ${(report.maxRssKiB / 1024).toFixed(0)} MB (${describe(report.peakRssMbByPass)}; ${(report.importMaxRssKiB / 1024).toFixed(0)} MB after loading the modules)`,
    );
    reports.push(report);
  }
  const [smaller, larger] = reports as [ChildReport, ChildReport];
  return {
    id: 'import.rss.ratio',
    value: larger.maxRssKiB / smaller.maxRssKiB,
    unit: 'x',
    op: '<=',
    target: 1.3,
    note:
      `peak RSS (maxRSS) of a child process running the plan step (runPlan, bundled as for Lambda) on a generated people file of ${large.toLocaleString('en')} rows ` +
      `vs ${small.toLocaleString('en')} rows: ${(larger.maxRssKiB / 1024).toFixed(0)} MB vs ${(smaller.maxRssKiB / 1024).toFixed(0)} MB ` +
      `(planned in ${seconds(larger.ms)} s and ${seconds(smaller.ms)} s; sampled peak by pass (MB): ${describe(larger.peakRssMbByPass)} vs ${describe(smaller.peakRssMbByPass)})`,
  };
}

async function bundleChild(): Promise<string> {
  const outfile = join(out, 'import-rss-child.mjs');
  await build({
    ...lmsEsbuildOptions('test/bench/import-rss-child.ts', outfile),
    external: [...(planImport.nodeModules ?? [])],
    logLevel: 'error',
  });
  return outfile;
}

async function runChild(stack: LocalStack, bundle: string, importId: string): Promise<ChildReport> {
  // Asynchronous on purpose: s3rver answers the child's requests from this process's event loop.
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, importId], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...stack.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
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
// Files

/** A new import of a generated people file of `rows` new people, uploaded (the upload's event is not run). */
async function uploadedImport(rows: number, name: string): Promise<string> {
  const path = join(out, `import-${name}-${rows}.csv`);
  const tag = randomUUID().slice(0, 8);
  try {
    const file = createWriteStream(path);
    const write = (line: string) =>
      file.write(line) ? undefined : new Promise<void>((done) => file.once('drain', () => done()));
    await write('email,given_name,family_name,external_id,department\n');
    for (let index = 0; index < rows; index++)
      await write(`${tag}.person-${index}@example.com,Given${index},Family ${index},EXT-${tag}-${index},\n`);
    file.end();
    await finished(file);
    const { size } = await stat(path);
    const { import: created } = await requestImport(ports(), admin, {
      type: 'people',
      format: 'lms',
      mode: 'upsert',
      fileName: `people-${rows}.csv`,
      sizeBytes: size,
    });
    await s3Client().send(
      new PutObjectCommand({
        Bucket: requireSetting('uploadsBucket'),
        Key: importSourceKey(created.id),
        Body: createReadStream(path),
        ContentLength: size,
      }),
    );
    return created.id;
  } finally {
    await rm(path, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function describe(peaks: Record<string, number>): string {
  return Object.entries(peaks)
    .map(([pass, mb]) => `${pass} ${mb.toFixed(0)}`)
    .join(', ');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function log(line: string): void {
  console.error(line);
}

/**
 * The plan step, started by the upload's S3 event. Steps:
 *   the upload is the size announced -> `planning` -> the type's planner streams the file (twice when it
 *   must know the whole file first), one entry per row and per change it implies -> the plan's parts and
 *   errors.csv are stored -> counts, and whether the plan needs an approval -> `planned` -> the uploaded
 *   file is deleted (the plan holds what apply and errors.csv need).
 * A file that cannot be read at all (empty, binary, wrong delimiter, not UTF-8, a header without the
 * columns it needs) fails the import with the reason; anything else fails row by row. Re-delivered events
 * change nothing: only an import still `uploading` (or `planning` whose run died) is planned.
 */
import type { PlanAction } from '../../domain/import.ts';
import { emptyCounts } from '../../domain/import.ts';
import { systemActor } from '../../domain/principal.ts';
import { CsvFileError, readCsv } from '../../imports/csv.ts';
import { csvLine } from '../../imports/csv-write.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { planBusinessMetrics } from './business-metrics.ts';
import { planCanvasSis } from './canvas-sis.ts';
import { planCompletions } from './completions.ts';
import { planCourses } from './courses.ts';
import { planEnrollments } from './enrollments.ts';
import { planPeople } from './people.ts';
import type { ImportRecord, PlanContext, PlanDeps, PlanOutcome } from './ports.ts';
import { audit, PLAN_PART_ENTRIES } from './requests.ts';

/** How long a planning run holds the import before another may take over (a run that died). */
const LEASE_MS = 15 * 60 * 1000;

export async function runPlan(
  deps: PlanDeps,
  importId: string,
  run: string,
): Promise<ImportRecord | undefined> {
  const found = await deps.imports.get(importId);
  if (!found) return undefined;
  const now = deps.runtime.now();
  const leaseTaken =
    found.status === 'planning' && found.lease !== null && found.lease.until > now.toISOString();
  if (!(found.status === 'uploading' || (found.status === 'planning' && !leaseTaken))) return found;
  const actor = systemActor('job:plan-import', run);
  const size = await deps.files.uploadSize(importId);
  if (size !== found.sizeBytes)
    // A file of another size is not what was announced (nor, in AWS, what was signed): it is not kept.
    return fail(
      deps,
      found,
      'upload-size-mismatch',
      `The upload is ${size ?? 0} bytes, not the ${found.sizeBytes} announced.`,
    );
  const record: ImportRecord = {
    ...found,
    status: 'planning',
    lease: { run, until: new Date(now.getTime() + LEASE_MS).toISOString() },
    progress: { step: 'planning', done: 0, total: 0 },
    updatedAt: now.toISOString(),
    version: found.version + 1,
  };
  await deps.imports.save(record, found.version, audit(deps, actor, 'import.planning', found, record));

  const writer = deps.files.planWriter(importId);
  const counts = emptyCounts();
  let seq = 0;
  let rows = 0;
  const context: PlanContext = {
    record,
    open: async function* () {
      yield* readCsv(await deps.files.source(importId), { delimiter: record.options.delimiter });
    },
    add: async (entry) => {
      counts[entry.action]++;
      await writer.add({ ...entry, seq: seq++ });
    },
    rowRead: () => {
      rows++;
    },
  };
  let outcome: PlanOutcome;
  try {
    outcome = await plannerOf(record)(deps, context);
  } catch (error) {
    if (error instanceof CsvFileError || error instanceof ImportFileError)
      return fail(deps, record, error.code, error.message);
    throw error;
  }
  const parts = await writer.close();
  await deps.files.putErrors(importId, errorLines(deps, importId, counts.error));

  const taken = counts.suspend + counts.withdraw;
  const share = outcome.scope === 0 ? (taken > 0 ? 100 : 0) : (taken / outcome.scope) * 100;
  const required = share > record.options.threshold;
  const what =
    counts.withdraw === 0
      ? 'suspensions'
      : counts.suspend === 0
        ? 'withdrawals'
        : 'suspensions or withdrawals';
  const scope =
    record.type === 'people'
      ? 'people'
      : record.type === 'canvas-sis'
        ? 'people and enrollments'
        : 'enrollments';
  const latest = (await deps.imports.get(importId)) ?? record;
  const planned: ImportRecord = {
    ...latest,
    status: 'planned',
    rows,
    counts,
    warnings: outcome.warnings,
    plan: { entries: seq, parts },
    approval: {
      ...latest.approval,
      required,
      reason: required
        ? `${taken} ${what} of ${outcome.scope} ${scope} in scope (${share.toFixed(1)} %) exceed the threshold of ${record.options.threshold} %: approve with a reason.`
        : null,
    },
    progress: { step: 'planned', done: rows, total: rows },
    lease: null,
    updatedAt: deps.runtime.now().toISOString(),
    version: latest.version + 1,
  };
  await deps.imports.save(planned, latest.version, audit(deps, actor, 'import.planned', latest, planned));
  // The plan holds what apply and errors.csv need; the file (HR data, perhaps passwords) is not kept.
  await deps.files.discardSource(importId);
  deps.logger?.info('import planned', { importId, rows, counts });
  return planned;
}

function plannerOf(record: ImportRecord): (deps: PlanDeps, context: PlanContext) => Promise<PlanOutcome> {
  if (record.type === 'people') return planPeople;
  if (record.type === 'enrollments') return planEnrollments;
  if (record.type === 'completions') return planCompletions;
  if (record.type === 'courses') return planCourses;
  if (record.type === 'canvas-sis') return planCanvasSis;
  if (record.type === 'business-metrics') return planBusinessMetrics;
  throw new ImportFileError(
    'unsupported',
    `Imports of ${record.type} in the ${record.format} format are not supported yet.`,
  );
}

async function fail(
  deps: PlanDeps,
  record: ImportRecord,
  code: string,
  message: string,
): Promise<ImportRecord> {
  const failed: ImportRecord = {
    ...record,
    status: 'failed',
    failure: { code, message },
    lease: null,
    updatedAt: deps.runtime.now().toISOString(),
    version: record.version + 1,
  };
  await deps.imports.save(
    failed,
    record.version,
    audit(deps, systemActor('job:plan-import', record.id), 'import.failed', record, failed),
  );
  await deps.files.discardSource(record.id);
  deps.logger?.warn('import failed', { importId: record.id, code, message });
  return failed;
}

/**
 * errors.csv: the rejected rows as the file had them, after their line, column and reason. It starts with a
 * byte order mark, without which Excel reads UTF-8 as the system's code page and garbles names.
 */
async function* errorLines(deps: PlanDeps, importId: string, count: number): AsyncIterable<string> {
  yield `\uFEFF${csvLine(['file', 'line', 'column', 'reason', 'row'])}`;
  for (let part = 0; part * PLAN_PART_ENTRIES < count; part++) {
    for (const entry of await deps.files.planPart(importId, 'error' satisfies PlanAction, part))
      yield csvLine([
        entry.file,
        String(entry.line),
        entry.error?.column ?? '',
        entry.error?.reason ?? '',
        ...(entry.raw ?? []),
      ]);
  }
}

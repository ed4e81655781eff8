/**
 * Planning a Canvas SIS zip (`type: canvas-sis`, format `canvas`). Steps:
 * - the upload is copied to a temporary file (a zip is read from its end) and opened with the zip's limits
 *   (imports/canvas-sis.ts): each CSV known by its header, the others named in one warning each;
 * - the files are planned in the order their references need, each by its planner, each entry naming its
 *   file (the CSV's path in the zip) and line:
 *   accounts.csv → departments (sis-accounts.ts); terms.csv → terms, kept on their courses; users.csv →
 *   people (the people planner, Canvas's users format); courses.csv → courses (the courses planner, Canvas's
 *   courses format); sections.csv → static cohorts (sis-sections.ts); enrollments.csv → enrollments, and
 *   a section's students into its cohort (sis-enrollments.ts);
 *   the files Canvas takes that have no place here (groups.csv, xlists.csv...) last, read only so that a
 *   row Canvas would refuse as a repeat (a group_id given twice) is reported on its line;
 * - what an earlier file plans (a person, a course, a section) is what a later file's rows find, before the
 *   LMS has it; the rest is found in the LMS.
 * The temporary file is removed whatever happens.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Course } from '../../domain/course.ts';
import type { User } from '../../domain/user.ts';
import {
  NOT_IMPORTED_ROWS,
  type NotImportedFile,
  type NotImportedKind,
  readSisZip,
  type SisFile,
  type SisZip,
} from '../../imports/canvas-sis.ts';
import { canvasCourses, canvasTerms, type TermRow } from '../../imports/canvas-sis-rows.ts';
import { CsvFileError } from '../../imports/csv.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { KeySet } from '../../imports/key-set.ts';
import { planCourses } from './courses.ts';
import { planPeople } from './people.ts';
import { errorEntry, headerWarnings, inWindows } from './planning.ts';
import type { PlanContext, PlanDeps, PlanOutcome, StoredPlanEntry } from './ports.ts';
import { planAccounts } from './sis-accounts.ts';
import { planSisEnrollments, type ZipRecords } from './sis-enrollments.ts';
import { planSections } from './sis-sections.ts';

export async function planCanvasSis(deps: PlanDeps, context: PlanContext): Promise<PlanOutcome> {
  const folder = await mkdtemp(join(tmpdir(), 'canvas-sis-'));
  try {
    const zipPath = join(folder, 'upload.zip');
    await pipeline(await deps.files.source(context.record.id), createWriteStream(zipPath));
    const zip = await readSisZip(zipPath, { delimiter: context.record.options.delimiter });
    try {
      return await planFiles(deps, context, zip);
    } finally {
      zip.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** What the earlier files planned, which the later ones name. */
interface Planned extends ZipRecords {
  accounts: Set<string>;
  terms: Map<string, TermRow>;
}

async function planFiles(deps: PlanDeps, context: PlanContext, zip: SisZip): Promise<PlanOutcome> {
  const warnings = [...zip.warnings];
  const planned: Planned = {
    accounts: new Set(),
    terms: new Map(),
    people: new Map<string, User>(),
    courses: new Map<string, Course>(),
    sections: new Map(),
  };
  let scope = 0;
  for (const file of [...zip.files, ...zip.notImported]) {
    const seen: Omit<StoredPlanEntry, 'seq'>[] = [];
    const sub: PlanContext = {
      record: { ...context.record, fileName: file.path },
      open: () => zip.open(file.path),
      add: async (entry) => {
        if (entry.write) seen.push(entry);
        await context.add(entry);
      },
      rowRead: () => context.rowRead(),
    };
    const fileWarnings = await planFile(deps, sub, file, planned).catch((error: unknown) => {
      // The zip's own failures name it already; a file's name its file.
      if (error instanceof ImportFileError && error.code === 'zip') throw error;
      if (error instanceof CsvFileError || error instanceof ImportFileError)
        throw new ImportFileError(error.code, `${file.path}: ${error.message}`);
      throw error;
    });
    warnings.push(...fileWarnings.warnings.map((warning) => `${file.path}: ${warning}`));
    scope += fileWarnings.scope;
    for (const { write } of seen) {
      if (write?.op === 'person' && write.after.externalId)
        planned.people.set(write.after.externalId, write.after);
      if (write?.op === 'course' && write.after.code)
        planned.courses.set(write.after.code.toLowerCase(), write.after);
    }
  }
  return { scope, warnings };
}

async function planFile(
  deps: PlanDeps,
  context: PlanContext,
  file: SisFile | NotImportedFile,
  planned: Planned,
): Promise<{ warnings: string[]; scope: number }> {
  switch (file.kind) {
    case 'accounts': {
      const plan = await planAccounts(deps, context);
      for (const accountId of plan.departments.keys()) planned.accounts.add(accountId);
      return { warnings: plan.warnings, scope: 0 };
    }
    case 'terms':
      return { warnings: await planTerms(context, planned.terms), scope: 0 };
    case 'users':
      return planPeople(deps, context);
    case 'courses': {
      const format = canvasCourses({
        term: (termId) => planned.terms.get(termId),
        account: (accountId) => planned.accounts.has(accountId),
      });
      return planCourses(deps, context, format);
    }
    case 'sections':
      return { warnings: await planSections(deps, context, planned.courses, planned.sections), scope: 0 };
    case 'enrollments':
      return planSisEnrollments(deps, context, planned);
    default:
      await planNotImported(context, file.kind);
      return { warnings: [], scope: 0 };
  }
}

/**
 * terms.csv: each term checked (its id once, its dates, the end not before the start) and kept for the
 * courses that name it; a term is no record of its own here (`unchanged`).
 */
async function planTerms(context: PlanContext, terms: Map<string, TermRow>): Promise<string[]> {
  const { record } = context;
  const warnings: string[] = [];
  const lines = new KeySet();
  await inWindows(
    context,
    'term',
    (columns) => warnings.push(...headerWarnings(canvasTerms, columns)),
    async (rows) => {
      for (const { line, raw, fields } of rows) {
        const outcome = canvasTerms.row(fields, { mode: 'upsert', options: record.options });
        if (!outcome.ok) {
          await context.add(errorEntry(record.fileName, line, outcome.column, outcome.reason, raw, 'term'));
          continue;
        }
        const first = lines.add(outcome.value.termId, line);
        if (first !== undefined) {
          await context.add(
            errorEntry(
              record.fileName,
              line,
              'term_id',
              `term_id ${outcome.value.termId} is that of line ${first} already: one row per term`,
              raw,
              'term',
            ),
          );
          continue;
        }
        terms.set(outcome.value.termId, outcome.value);
        await context.add({
          file: record.fileName,
          line,
          action: 'unchanged',
          target: { kind: 'term', id: null, key: outcome.value.termId },
          diffs: {},
          ...(outcome.warnings ? { warnings: outcome.warnings } : {}),
        });
      }
    },
  );
  return warnings;
}

/**
 * A file Canvas takes that has no place here: nothing of it is imported (one warning says so), but a row
 * that repeats another's key (a group_id given twice), which Canvas would refuse, is an error entry on its
 * line, so the file's problems are in the plan with the others. The other rows have no entry.
 */
async function planNotImported(context: PlanContext, kind: NotImportedKind): Promise<void> {
  const { record } = context;
  const { key, row } = NOT_IMPORTED_ROWS[kind];
  const lines = new KeySet();
  await inWindows(
    context,
    row,
    () => {},
    async (rows) => {
      for (const { line, raw, fields } of rows) {
        const values = key.map((column) => fields.get(column)?.trim() ?? '');
        if (values.some((value) => value === '')) continue;
        const first = lines.add(JSON.stringify(values), line);
        if (first === undefined) continue;
        const named = key.map((column, index) => `${column} ${values[index]}`).join(', ');
        await context.add(
          errorEntry(
            record.fileName,
            line,
            key[0] ?? null,
            `${named} is that of line ${first} already: Canvas takes one row per ${row} (${kind}.csv is not imported here)`,
            raw,
            row,
          ),
        );
      }
    },
  );
}

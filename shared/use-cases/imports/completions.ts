/**
 * Planning a file of historical completions (our format). Two passes over the file:
 *   1. read every row, and keep for each person and course the line of their latest completion (a ranked
 *      key set, so a million rows fit): an enrollment keeps one completion, the latest, as the LMS does
 *      when a certification is renewed;
 *   2. a window of rows at a time: find who each row names and the course, read their enrollment, and write
 *      one entry per row: complete (the enrollment made if there is none, then completed, with the
 *      certification the course gives from the completed date, or the certificate's own expiry), update (the
 *      same completion with another score or expiry), unchanged (already imported, identified by its source
 *      system and original id or by its date; or an earlier completion than one kept), or error.
 * Re-importing the same history plans every row unchanged.
 */
import type { Course } from '../../domain/course.ts';
import type { CompletionOrigin, Enrollment, EnrollmentSource } from '../../domain/enrollment.ts';
import { lmsCompletions } from '../../imports/enrollment-formats.ts';
import type { CompletionFormat, CompletionRow } from '../../imports/enrollment-rows.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { KeySet } from '../../imports/key-set.ts';
import type { RowContext } from '../../imports/rows.ts';
import { certificationDates, completed, newEnrollment } from '../enrollment.ts';
import {
  courseOf,
  enrollmentEntry,
  type Found,
  lookUp,
  personColumn,
  personText,
  sameInstant,
  whom,
} from './learners.ts';
import { errorEntry, fieldsOf, headerWarnings, inWindows, type ReadRow } from './planning.ts';
import {
  enrollmentKey,
  type ImportRecord,
  type PlanContext,
  type PlanDeps,
  type PlanOutcome,
  type StoredPlanEntry,
} from './ports.ts';

function completionFormatOf(record: ImportRecord): CompletionFormat {
  if (record.format === 'lms') return lmsCompletions;
  throw new ImportFileError(
    'unsupported',
    `Completion files in the ${record.format} format are not supported yet.`,
  );
}

/** How pass 1 names a person's completions of a course: as the row names the person. */
function completionsOf(row: CompletionRow): string {
  const person = row.person.externalId ? `x:${row.person.externalId}` : `e:${row.person.email}`;
  return `${person}\n${row.courseId ?? `code:${row.courseCode}`}`;
}

export async function planCompletions(deps: PlanDeps, context: PlanContext): Promise<PlanOutcome> {
  const { record } = context;
  const format = completionFormatOf(record);
  const rowContext: RowContext = { mode: record.mode, options: record.options };
  const now = deps.runtime.now().toISOString();
  const source: EnrollmentSource = {
    source: 'import',
    actor: record.createdBy,
    reference: `import:${record.id}`,
    at: now,
  };
  const warnings: string[] = [];

  // Pass 1: for each person and course, the line of the latest completion (one that can be imported).
  const latest = new KeySet(1024, { ranked: true });
  let columns: string[] = [];
  for await (const event of context.open()) {
    if (event.kind === 'header') {
      columns = event.columns.map((column) => column.trim().toLowerCase());
      warnings.push(...headerWarnings(format, columns));
      continue;
    }
    if (event.kind !== 'row') continue;
    const outcome = format.row(fieldsOf(columns, event.values), rowContext);
    if (!outcome.ok || outcome.value.completedAt > now) continue;
    latest.keepHighest(completionsOf(outcome.value), event.line, Date.parse(outcome.value.completedAt));
  }

  // Pass 2: a window of rows at a time.
  const written = new KeySet();
  await inWindows(
    context,
    'enrollment',
    () => undefined,
    async (rows) => {
      const read = rows.map((row) => ({ row, outcome: format.row(row.fields, rowContext) }));
      const found = await lookUp(
        deps,
        read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : [])),
      );
      for (const { row, outcome } of read)
        await context.add(
          outcome.ok
            ? rowEntry(record, outcome.value, row, found, { latest, written }, { now, source })
            : errorEntry(record.fileName, row.line, outcome.column, outcome.reason, row.raw, 'enrollment'),
        );
    },
  );
  // Nothing is taken away: no scope to measure against.
  return { scope: 0, warnings };
}

/** One row's entry: the completion it records, or why it changes nothing, or why it cannot. */
function rowEntry(
  record: ImportRecord,
  row: CompletionRow,
  read: ReadRow,
  found: Found,
  seen: { latest: KeySet; written: KeySet },
  { now, source }: { now: string; source: EnrollmentSource },
): Omit<StoredPlanEntry, 'seq'> {
  const file = record.fileName;
  const refuse = (column: string | null, reason: string) =>
    errorEntry(file, read.line, column, reason, read.raw, 'enrollment');
  if (row.completedAt > now)
    return refuse(
      'completed_at',
      `${row.completedAt.slice(0, 10)} is in the future: a completion has happened`,
    );
  const user = whom(row.person, found);
  if (!('id' in user)) return refuse(user.column, user.reason);
  const course = courseOf(row, found);
  if (!('id' in course)) return refuse(course.column, course.reason);
  if (user.status !== 'active')
    return refuse(personColumn(row.person), `${personText(row.person)} is suspended: reactivate them first`);
  if (row.expiresAt && !course.certification)
    return refuse(
      'certificate_expires_at',
      `${course.title} gives no certification: give the course one first, or leave the expiry out`,
    );
  const target = { courseId: course.id, userId: user.id, key: `${personText(row.person)}/${course.id}` };
  const unchanged = (warning?: string) =>
    enrollmentEntry(file, read.line, 'unchanged', target, null, warning ? [warning] : undefined);
  const kept = seen.latest.lineOf(completionsOf(row));
  if (kept !== read.line)
    return unchanged(
      `line ${kept} has this person's latest completion of this course, which is the one kept`,
    );
  const key = enrollmentKey(target);
  const first = seen.written.add(key, read.line);
  if (first !== undefined)
    return refuse(
      personColumn(row.person),
      `line ${first} has a completion of this course by the same person (named otherwise): one completion is kept per person and course`,
    );

  const before = found.enrollments.get(key) ?? null;
  const origin: CompletionOrigin | undefined =
    row.sourceSystem || row.originalId
      ? { sourceSystem: row.sourceSystem ?? null, originalId: row.originalId ?? null }
      : undefined;
  const reason = origin
    ? `Completed in ${origin.sourceSystem ?? 'another system'}${origin.originalId ? ` (${origin.originalId})` : ''}; import ${file}`
    : `Import ${file}`;
  if (before && isSameCompletion(before, row, origin)) {
    const corrected = correction(before, course, row, origin, { now, by: source.actor, file });
    if (!corrected) return unchanged();
    return enrollmentEntry(file, read.line, 'update', target, { before, after: corrected, capacity: null });
  }
  if (before?.completedAt && Date.parse(before.completedAt) > Date.parse(row.completedAt))
    return unchanged(
      `the enrollment has a later completion (${before.completedAt.slice(0, 10)}), which is kept`,
    );
  if (before?.status === 'withdrawn')
    return refuse('course_id', 'the enrollment is withdrawn: enroll the person again before completing it');
  const enrolled =
    before ?? newEnrollment(course.id, user.id, source, now, null, source.actor, `Import ${file}`);
  const after = completed(enrolled, course, {
    completedAt: row.completedAt,
    score: row.score,
    expiresAt: row.expiresAt,
    origin,
    at: now,
    by: source.actor,
    reason,
  });
  return enrollmentEntry(file, read.line, 'complete', target, {
    before,
    after,
    capacity: null,
    ...(before ? {} : { enrolledFirst: enrolled }),
  });
}

/**
 * Whether the enrollment's completion is the row's: the same source system and original id, or, without
 * them, the same date.
 */
function isSameCompletion(
  before: Enrollment,
  row: CompletionRow,
  origin: CompletionOrigin | undefined,
): boolean {
  if (!before.completedAt) return false;
  if (origin?.originalId && before.completionOrigin?.originalId)
    return (
      before.completionOrigin.originalId === origin.originalId &&
      before.completionOrigin.sourceSystem === origin.sourceSystem
    );
  return sameInstant(before.completedAt, row.completedAt);
}

/**
 * The same completion with what the row says differently (its date, score or certificate expiry), or
 * undefined when it says nothing new. The recertification date moves with the expiry while the
 * enrollment is completed (once recertification has opened, the sweep has acted on it).
 */
function correction(
  before: Enrollment,
  course: Course,
  row: CompletionRow,
  origin: CompletionOrigin | undefined,
  { now, by, file }: { now: string; by: string; file: string },
): Enrollment | undefined {
  const dates = certificationDates(course, row.completedAt, row.expiresAt);
  const score = row.score ?? before.score;
  if (
    sameInstant(before.completedAt, row.completedAt) &&
    score === before.score &&
    sameInstant(before.expiresAt, dates.expiresAt)
  )
    return undefined;
  return {
    ...before,
    completedAt: row.completedAt,
    score,
    expiresAt: dates.expiresAt,
    recertifyAt: before.status === 'completed' ? dates.recertifyAt : before.recertifyAt,
    completionOrigin: origin ?? before.completionOrigin,
    history: [
      ...before.history,
      { status: before.status, at: now, by, reason: `completion corrected: import ${file}` },
    ],
    version: before.version + 1,
  };
}

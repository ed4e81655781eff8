/**
 * Planning an enrollments file (our format). One pass, a window of rows at a time:
 *   find who each row names (by external id and email) and the course, read their enrollment, and write one
 *   entry per row: enroll (new, or back after a withdrawal), withdraw, update (the due date), unchanged, or
 *   error with its column and reason. The rules are the API's: no one suspended is enrolled, an archived
 *   course takes no new enrollments, a due date is not in the past, a completed enrollment is kept as a
 *   record, a full course's seats are not exceeded.
 * Then the scope: the active enrollments of the courses the file names (of the people in the department
 * subtree the import names, if it does), which the withdrawals are measured against; a sync withdraws those
 * the file does not list.
 */
import type { Course } from '../../domain/course.ts';
import { type Enrollment, type EnrollmentSource, holdsSeat } from '../../domain/enrollment.ts';
import type { User } from '../../domain/user.ts';
import { lmsEnrollments } from '../../imports/enrollment-formats.ts';
import type { EnrollmentFormat, EnrollmentRow } from '../../imports/enrollment-rows.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { KeySet } from '../../imports/key-set.ts';
import type { RowContext } from '../../imports/rows.ts';
import { withDueDate } from '../compliance.ts';
import { comeBack, newEnrollment, withdrawn } from '../enrollment.ts';
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
import { departmentIndex, errorEntry, headerWarnings, inWindows, type ReadRow, unique } from './planning.ts';
import {
  enrollmentKey,
  type ImportRecord,
  type PlanContext,
  type PlanDeps,
  type PlanOutcome,
  type StoredPlanEntry,
} from './ports.ts';

/** Statuses a withdrawal applies to: the enrollments in a sync's scope. */
const WITHDRAWABLE = new Set<Enrollment['status']>(['enrolled', 'in_progress', 'failed']);

function enrollmentFormatOf(record: ImportRecord): EnrollmentFormat {
  if (record.format === 'lms') return lmsEnrollments;
  throw new ImportFileError(
    'unsupported',
    `Enrollment files in the ${record.format} format are not supported yet.`,
  );
}

/** What the rows so far have decided, which later rows and the scope depend on. */
interface Planned {
  /** Each enrollment a row names, with the first line naming it. */
  listed: KeySet;
  /** The courses the file names that exist (a catalog's worth at most). */
  courses: Map<string, Course>;
  /** Seats still free in courses with a capacity, as the rows so far leave them. */
  freeSeats: Map<string, number>;
}

export async function planEnrollments(deps: PlanDeps, context: PlanContext): Promise<PlanOutcome> {
  const { record } = context;
  const format = enrollmentFormatOf(record);
  const rowContext: RowContext = { mode: record.mode, options: record.options };
  const now = deps.runtime.now().toISOString();
  const source: EnrollmentSource = {
    source: 'import',
    actor: record.createdBy,
    reference: `import:${record.id}`,
    at: now,
  };
  const warnings: string[] = [];
  const planned: Planned = { listed: new KeySet(), courses: new Map(), freeSeats: new Map() };

  await inWindows(
    context,
    'enrollment',
    (columns) => warnings.push(...headerWarnings(format, columns)),
    async (rows) => {
      const read = rows.map((row) => ({ row, outcome: format.row(row.fields, rowContext) }));
      const found = await lookUp(
        deps,
        read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : (outcome.subject ?? []))),
      );
      for (const course of found.courses.values())
        if (course.capacity !== null && !planned.freeSeats.has(course.id))
          planned.freeSeats.set(course.id, course.capacity - (await deps.enrollments.seatsTaken(course.id)));
      for (const { row, outcome } of read) {
        if (outcome.ok) {
          await context.add(rowEntry(record, outcome.value, row, found, planned, { now, source }));
          continue;
        }
        // A row refused for another cell still lists its enrollment: a sync does not withdraw it.
        const user = outcome.subject && whom(outcome.subject.person, found);
        const course = outcome.subject && courseOf(outcome.subject, found);
        if (user && 'id' in user && course && 'id' in course)
          planned.listed.add(enrollmentKey({ courseId: course.id, userId: user.id }), row.line);
        await context.add(
          errorEntry(record.fileName, row.line, outcome.column, outcome.reason, row.raw, 'enrollment'),
        );
      }
    },
  );

  const scope = await walkScope(deps, record, planned, async (enrollment, person) => {
    if (record.mode === 'sync' && !planned.listed.has(enrollmentKey(enrollment)))
      await context.add(missingFromFeed(record, enrollment, person, planned.courses, { now, source }));
  });
  return { scope, warnings };
}

/** One row's entry: what it changes in the person's enrollment, or why it cannot. */
function rowEntry(
  record: ImportRecord,
  row: EnrollmentRow,
  read: ReadRow,
  found: Found,
  planned: Planned,
  { now, source }: { now: string; source: EnrollmentSource },
): Omit<StoredPlanEntry, 'seq'> {
  const file = record.fileName;
  const refuse = (column: string | null, reason: string) =>
    errorEntry(file, read.line, column, reason, read.raw, 'enrollment');
  const user = whom(row.person, found);
  if (!('id' in user)) return refuse(user.column, user.reason);
  const course = courseOf(row, found);
  if (!('id' in course)) return refuse(course.column, course.reason);
  const key = enrollmentKey({ courseId: course.id, userId: user.id });
  const first = planned.listed.add(key, read.line);
  if (first !== undefined)
    return refuse(
      personColumn(row.person),
      `${personText(row.person)} is in ${course.title} on line ${first} already: one row per person and course`,
    );
  planned.courses.set(course.id, course);
  return enrollmentChange(
    { user, course, before: found.enrollments.get(key) ?? null },
    row,
    {
      file,
      line: read.line,
      raw: read.raw,
      key: `${personText(row.person)}/${course.id}`,
      person: personText(row.person),
      columns: {
        person: personColumn(row.person),
        course: 'course_id',
        status: 'status',
        dueDate: 'due_date',
      },
    },
    planned.freeSeats,
    { now, source },
  );
}

/** Where a row's enrollment is in the file: its line, how it names the enrollment, its columns. */
export interface EnrollmentAt {
  file: string;
  line: number;
  raw: string[];
  /** The entry's target key: how the file names the person, and the course. */
  key: string;
  /** How messages name the person. */
  person: string;
  /** The columns refusals name. */
  columns: { person: string; course: string; status: string; dueDate: string };
}

/**
 * What a row asks of a person's enrollment in a course, with the API's rules: enroll (new, or back after a
 * withdrawal), withdraw, update (the due date), unchanged, or refused naming the column. Seats taken and
 * freed are counted in `freeSeats` (courses with a capacity), so later rows see what earlier ones leave.
 * Our enrollments format and Moodle's course columns of a people file share it.
 */
export function enrollmentChange(
  { user, course, before }: { user: User; course: Course; before: Enrollment | null },
  row: Pick<EnrollmentRow, 'status' | 'dueAt'>,
  at: EnrollmentAt,
  freeSeats: Map<string, number>,
  { now, source }: { now: string; source: EnrollmentSource },
): Omit<StoredPlanEntry, 'seq'> {
  const { file, columns } = at;
  const refuse = (column: string | null, reason: string) =>
    errorEntry(file, at.line, column, reason, at.raw, 'enrollment');
  const reason = `Import ${file}`;
  const target = { courseId: course.id, userId: user.id, key: at.key };
  const entry = (action: 'enroll' | 'withdraw' | 'update', after: Enrollment) =>
    enrollmentEntry(file, at.line, action, target, { before, after, capacity: course.capacity });
  const unchanged = (warning?: string) =>
    enrollmentEntry(file, at.line, 'unchanged', target, null, warning ? [warning] : undefined);

  if (row.status === 'withdrawn') {
    if (!before) return unchanged('not enrolled in this course');
    if (before.status === 'withdrawn') return unchanged();
    if (before.status === 'completed')
      return refuse(
        columns.status,
        'the enrollment is completed: a completion is kept as a record, not withdrawn',
      );
    if (holdsSeat(before.status)) freeSeat(freeSeats, course, +1);
    return entry('withdraw', withdrawn(before, now, source.actor, reason));
  }
  if (user.status !== 'active')
    return refuse(columns.person, `${at.person} is suspended: reactivate them first`);
  const due = row.dueAt;
  if (due && due <= now && !sameInstant(due, before?.dueAt))
    return refuse(columns.dueDate, `${due} is in the past: a due date is in the future`);
  if (!before || !holdsSeat(before.status)) {
    if (course.status === 'archived')
      return refuse(columns.course, `${course.title} is archived: it takes no new enrollments`);
    if ((freeSeats.get(course.id) ?? 1) <= 0)
      return refuse(columns.course, `all ${course.capacity} seats of ${course.title} are taken`);
    freeSeat(freeSeats, course, -1);
    return entry(
      'enroll',
      before
        ? {
            ...comeBack(before, source, now, reason),
            dueAt: due === undefined ? before.dueAt : due,
            overdueAt: null,
          }
        : newEnrollment(course.id, user.id, source, now, due ?? null, source.actor, reason),
    );
  }
  if (due === undefined || sameInstant(due, before.dueAt)) return unchanged();
  return entry('update', withDueDate(before, due, now, source.actor, reason));
}

function freeSeat(freeSeats: Map<string, number>, course: Course, delta: number): void {
  const free = freeSeats.get(course.id);
  if (free !== undefined) freeSeats.set(course.id, free + delta);
}

/** The sync's other half: an enrollment of its scope the file does not list is withdrawn. */
function missingFromFeed(
  record: ImportRecord,
  enrollment: Enrollment,
  person: User | undefined,
  courses: ReadonlyMap<string, Course>,
  { now, source }: { now: string; source: EnrollmentSource },
): Omit<StoredPlanEntry, 'seq'> {
  return enrollmentEntry(
    record.fileName,
    0,
    'withdraw',
    {
      courseId: enrollment.courseId,
      userId: enrollment.userId,
      key: `${person?.externalId ?? person?.email ?? enrollment.userId}/${enrollment.courseId}`,
    },
    {
      before: enrollment,
      after: withdrawn(enrollment, now, source.actor, `Not in the feed ${record.fileName}`),
      capacity: courses.get(enrollment.courseId)?.capacity ?? null,
    },
    ['not in the feed'],
  );
}

/**
 * The active enrollments of the courses the file names (of the people of the department subtree the import
 * names, if it does), one page at a time, each given to `visit` with its person; answers how many.
 */
async function walkScope(
  deps: PlanDeps,
  record: ImportRecord,
  planned: Planned,
  visit: (enrollment: Enrollment, person: User | undefined) => Promise<void>,
): Promise<number> {
  const { scopeDepartmentId } = record.options;
  const within = scopeDepartmentId ? (await departmentIndex(deps)).subtree(scopeDepartmentId) : undefined;
  if (scopeDepartmentId && !within)
    throw new ImportFileError('scope', `No department with id ${scopeDepartmentId} to sync.`);
  let size = 0;
  for (const course of planned.courses.values()) {
    let cursor: string | undefined;
    do {
      const page = await deps.enrollments.listForCourse(course.id, { limit: 100, cursor });
      const active = page.items.filter((enrollment) => WITHDRAWABLE.has(enrollment.status));
      const people =
        within || record.mode === 'sync'
          ? await deps.peopleBulk.current(unique(active.map((enrollment) => enrollment.userId)))
          : new Map<string, User>();
      for (const enrollment of active) {
        const person = people.get(enrollment.userId);
        if (within && !(person?.departmentId && within.has(person.departmentId))) continue;
        size++;
        await visit(enrollment, person);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return size;
}

/**
 * Planning a Canvas SIS zip's enrollments.csv. One pass, a window of rows at a time:
 *   the person by their user_id (the external id: the zip's users.csv as planned, else the LMS), the course by
 *   its course_id (its code: the zip's courses.csv as planned, else the LMS) or by the section's course (the
 *   zip's sections.csv), their enrollment, and one entry per row with the enrollments planner's rules
 *   (`enrollmentChange`): a student `active` is enrolled, `deleted` or `inactive` withdrawn, `completed`
 *   completed (as the API completes one, enrolled first when not enrolled). Other roles are reported on
 *   their row and not imported: this LMS enrolls learners; a course's teachers are its owners.
 */
import type { Course } from '../../domain/course.ts';
import type { Enrollment, EnrollmentSource } from '../../domain/enrollment.ts';
import type { User } from '../../domain/user.ts';
import { canvasEnrollments, type SisEnrollmentRow } from '../../imports/canvas-sis-rows.ts';
import { KeySet } from '../../imports/key-set.ts';
import type { RowContext } from '../../imports/rows.ts';
import { completed, newEnrollment } from '../enrollment.ts';
import { importMemberBy } from './apply-cohorts.ts';
import { type EnrollmentAt, enrollmentChange } from './enrollments.ts';
import { enrollmentEntry } from './learners.ts';
import { errorEntry, headerWarnings, inWindows, type ReadRow, unique } from './planning.ts';
import {
  enrollmentKey,
  membershipKey,
  type PlanContext,
  type PlanDeps,
  type StoredPlanEntry,
} from './ports.ts';
import type { PlannedSection } from './sis-sections.ts';

/** What the zip's earlier files plan, which enrollments name before the LMS has them. */
export interface ZipRecords {
  /** People users.csv creates or changes, by external id (Canvas's user_id), as they will be. */
  people: Map<string, User>;
  /** Courses courses.csv creates or changes, by code in lower case, as they will be. */
  courses: Map<string, Course>;
  /** Each section of sections.csv: its course's code and its cohort. */
  sections: Map<string, PlannedSection>;
}

export interface SisEnrollmentsPlan {
  warnings: string[];
  /** The students' rows planned: what withdrawals are measured against. */
  scope: number;
}

export async function planSisEnrollments(
  deps: PlanDeps,
  context: PlanContext,
  zip: ZipRecords,
): Promise<SisEnrollmentsPlan> {
  const { record } = context;
  const file = record.fileName;
  const rowContext: RowContext = { mode: 'upsert', options: record.options };
  const now = deps.runtime.now().toISOString();
  const source: EnrollmentSource = {
    source: 'import',
    actor: record.createdBy,
    reference: `import:${record.id}`,
    at: now,
  };
  const warnings: string[] = [];
  const listed = new KeySet();
  const freeSeats = new Map<string, number>();
  let scope = 0;
  await inWindows(
    context,
    'enrollment',
    (columns) => warnings.push(...headerWarnings(canvasEnrollments, columns)),
    async (rows) => {
      const read = rows.map((row) => ({ row, outcome: canvasEnrollments.row(row.fields, rowContext) }));
      const valid = read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : []));
      const codeOf = (row: SisEnrollmentRow) =>
        row.courseId ?? (row.sectionId ? zip.sections.get(row.sectionId)?.courseCode : undefined);
      const codes = unique(valid.flatMap((row) => codeOf(row)?.toLowerCase() ?? []));
      const holders = await deps.courseBulk.owners(codes.filter((code) => !zip.courses.has(code)));
      const userIds = unique(valid.map((row) => row.userId).filter((id) => !zip.people.has(id)));
      const owners = await deps.peopleBulk.owners('externalId', userIds);
      const [lmsCourses, lmsPeople] = await Promise.all([
        deps.courseBulk.current(unique([...holders.values()])),
        deps.peopleBulk.current(unique([...owners.values()])),
      ]);
      const courseOf = (code: string) =>
        zip.courses.get(code.toLowerCase()) ?? lmsCourses.get(holders.get(code.toLowerCase()) ?? '');
      const personOf = (userId: string) => zip.people.get(userId) ?? lmsPeople.get(owners.get(userId) ?? '');
      const named = new Map<string, Course>();
      const pairs = valid.flatMap((row) => {
        const code = codeOf(row);
        const course = code ? courseOf(code) : undefined;
        const person = personOf(row.userId);
        if (!course || !person) return [];
        named.set(course.id, course);
        return [{ courseId: course.id, userId: person.id }];
      });
      const [existing, members] = await Promise.all([
        deps.enrollmentBulk.current(pairs),
        deps.cohortBulk.members(
          valid.flatMap((row) => {
            const cohort = row.sectionId ? zip.sections.get(row.sectionId)?.cohort : undefined;
            const person = personOf(row.userId);
            return cohort && person ? [{ cohortId: cohort.id, userId: person.id }] : [];
          }),
        ),
      ]);
      // Seats once per course with a capacity; later rows see what earlier ones take.
      for (const course of named.values())
        if (course.capacity !== null && !freeSeats.has(course.id))
          freeSeats.set(course.id, course.capacity - (await deps.enrollments.seatsTaken(course.id)));
      for (const { row, outcome } of read) {
        if (!outcome.ok) {
          await context.add(
            errorEntry(file, row.line, outcome.column, outcome.reason, row.raw, 'enrollment'),
          );
          continue;
        }
        const entry = rowEntry(outcome.value, row, {
          file,
          code: codeOf(outcome.value),
          zip,
          courseOf,
          personOf,
          existing,
          listed,
          freeSeats,
          now,
          source,
        });
        if (entry.action !== 'error' && outcome.value.role === 'student') scope++;
        await context.add(entry);
        const joining = sectionJoin(outcome.value, entry, {
          zip,
          members,
          personOf,
          file,
          line: row.line,
          now,
          by: importMemberBy(record.id),
        });
        if (joining) await context.add(joining);
      }
    },
  );
  return { warnings, scope };
}

/**
 * A student enrolled (or completed) through a section joins the section's cohort, in an entry of its own on
 * the same line, unless they are in it already. A withdrawn enrollment leaves the cohort as it is.
 */
function sectionJoin(
  row: SisEnrollmentRow,
  entry: Omit<StoredPlanEntry, 'seq'>,
  at: {
    zip: ZipRecords;
    members: ReadonlyMap<string, unknown>;
    personOf(userId: string): User | undefined;
    file: string;
    line: number;
    now: string;
    by: string;
  },
): Omit<StoredPlanEntry, 'seq'> | undefined {
  const cohort = row.sectionId ? at.zip.sections.get(row.sectionId)?.cohort : undefined;
  const person = at.personOf(row.userId);
  if (!cohort || !person || row.role !== 'student' || row.status === 'deleted' || row.status === 'inactive')
    return undefined;
  if (entry.action === 'error' || at.members.has(membershipKey({ cohortId: cohort.id, userId: person.id })))
    return undefined;
  const key = `${row.sectionId}/${row.userId}`;
  return {
    file: at.file,
    line: at.line,
    action: 'create',
    target: { kind: 'membership', id: cohort.id, key },
    diffs: { cohort: { from: null, to: cohort.name } },
    write: {
      op: 'membership',
      before: null,
      after: { cohortId: cohort.id, userId: person.id, via: 'static', addedAt: at.now, addedBy: at.by },
      key,
    },
  };
}

interface RowLookups {
  file: string;
  /** The course's code: the row's course_id, or its section's course. */
  code: string | undefined;
  zip: ZipRecords;
  courseOf(code: string): Course | undefined;
  personOf(userId: string): User | undefined;
  existing: Map<string, Enrollment>;
  listed: KeySet;
  freeSeats: Map<string, number>;
  now: string;
  source: EnrollmentSource;
}

function rowEntry(row: SisEnrollmentRow, read: ReadRow, lookups: RowLookups): Omit<StoredPlanEntry, 'seq'> {
  const { file, code, zip, now, source } = lookups;
  const refuse = (column: string, reason: string) =>
    errorEntry(file, read.line, column, reason, read.raw, 'enrollment');
  const warnings: string[] = [];
  if (row.sectionId && !zip.sections.has(row.sectionId)) {
    if (!row.courseId)
      return refuse(
        'section_id',
        `section_id ${row.sectionId} is in no row of the zip's sections.csv, and the row has no course_id: no course to enroll in`,
      );
    warnings.push(
      `section_id ${row.sectionId} is in no row of the zip's sections.csv: enrolled in the course ${row.courseId}, without the section`,
    );
  }
  const courseColumn = row.courseId ? 'course_id' : 'section_id';
  const person = lookups.personOf(row.userId);
  const course = code ? lookups.courseOf(code) : undefined;
  if (!person)
    return refuse(
      'user_id',
      `no person with the user_id ${row.userId} in the zip's users.csv or in this LMS`,
    );
  if (!course || !code)
    return refuse(courseColumn, `no course ${code} in the zip's courses.csv or in this LMS`);
  const target = { courseId: course.id, userId: person.id, key: `${row.userId}/${code}` };
  if (row.role !== 'student')
    return enrollmentEntry(file, read.line, 'unchanged', target, null, [
      ...warnings,
      `role ${row.role}: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)`,
    ]);
  const key = enrollmentKey(target);
  const first = lookups.listed.add(key, read.line);
  if (first !== undefined)
    return refuse(
      'user_id',
      `${row.userId} is in ${code} on line ${first} already: one row per person and course`,
    );
  const before = lookups.existing.get(key) ?? null;
  const withWarnings = (entry: Omit<StoredPlanEntry, 'seq'>) =>
    warnings.length > 0 ? { ...entry, warnings: [...warnings, ...(entry.warnings ?? [])] } : entry;

  if (row.status === 'completed') {
    if (before?.status === 'completed')
      return withWarnings(enrollmentEntry(file, read.line, 'unchanged', target, null));
    if (person.status !== 'active')
      return refuse('user_id', `${row.userId} is suspended: reactivate them first`);
    if (before?.status === 'withdrawn')
      return refuse('status', 'the enrollment is withdrawn: enroll the person again before completing it');
    const enrolled =
      before ?? newEnrollment(course.id, person.id, source, now, null, source.actor, `Import ${file}`);
    const after = completed(enrolled, course, {
      completedAt: now,
      origin: { sourceSystem: 'Canvas', originalId: null },
      at: now,
      by: source.actor,
      reason: `Import ${file}`,
    });
    return withWarnings(
      enrollmentEntry(file, read.line, 'complete', target, {
        before,
        after,
        capacity: null,
        ...(before ? {} : { enrolledFirst: enrolled }),
      }),
    );
  }
  const at: EnrollmentAt = {
    file,
    line: read.line,
    raw: read.raw,
    key: target.key,
    person: row.userId,
    columns: { person: 'user_id', course: courseColumn, status: 'status', dueDate: 'status' },
  };
  return withWarnings(
    enrollmentChange(
      { user: person, course, before },
      { status: row.status === 'active' ? 'active' : 'withdrawn' },
      at,
      lookups.freeSeats,
      { now, source },
    ),
  );
}

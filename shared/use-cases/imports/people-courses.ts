/**
 * The enrollments a people row makes (Moodle's `course1`, `course2`... columns), planned after the row's
 * person, a window of rows at a time:
 *   1. the courses the rows name by code (Moodle's shortname is a course's `code` here), once per import;
 *      the seats of those with a capacity, once per course;
 *   2. the enrollments the rows' people have in them now (one BatchGetItem);
 *   3. for each course of each row, one entry after the person's (same file and line), with the enrollments
 *      format's rules (`enrollmentChange`): enroll, withdraw (Moodle's suspended enrolment), update (the due
 *      date), unchanged, or an error naming the cell.
 * A person the row creates is enrolled as the person the plan makes (its id is the plan's), and the write is
 * refused at apply if that person is not there. A row whose person is refused enrolls no one.
 */
import type { Course } from '../../domain/course.ts';
import type { EnrollmentSource } from '../../domain/enrollment.ts';
import type { User } from '../../domain/user.ts';
import { startOfDay } from '../../imports/dates.ts';
import type { CourseCell, PersonRow } from '../../imports/people-rows.ts';
import { enrollmentChange } from './enrollments.ts';
import { errorEntry, type ReadRow, unique } from './planning.ts';
import { enrollmentKey, type ImportRecord, type PlanDeps, type StoredPlanEntry } from './ports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What earlier windows found: courses by code (null: none has it), seats left in courses with a capacity. */
export interface CoursesSeen {
  byCode: Map<string, Course | null>;
  freeSeats: Map<string, number>;
}

export function coursesSeen(): CoursesSeen {
  return { byCode: new Map(), freeSeats: new Map() };
}

/** A row whose person is planned (not refused): the person as the plan leaves them, and how it names them. */
export interface PlannedPerson {
  row: ReadRow;
  person: PersonRow;
  user: User;
  key: string;
}

/** The entries of the courses of each row, by line, in the row's column order. */
export async function planRowCourses(
  deps: PlanDeps,
  record: ImportRecord,
  rows: readonly PlannedPerson[],
  seen: CoursesSeen,
): Promise<Map<number, Omit<StoredPlanEntry, 'seq'>[]>> {
  const enrolling = rows.filter((row) => !!row.person.courses?.length);
  const entries = new Map<number, Omit<StoredPlanEntry, 'seq'>[]>();
  if (enrolling.length === 0) return entries;
  await findCourses(
    deps,
    seen,
    enrolling.flatMap(({ person }) => (person.courses ?? []).flatMap((cell) => codeOf(cell) ?? [])),
  );
  const current = await deps.enrollmentBulk.current(
    enrolling.flatMap(({ person, user }) =>
      (person.courses ?? []).flatMap((cell) => {
        const course = courseOf(cell, seen);
        return course ? [{ courseId: course.id, userId: user.id }] : [];
      }),
    ),
  );
  const now = deps.runtime.now();
  const source: EnrollmentSource = {
    source: 'import',
    actor: record.createdBy,
    reference: `import:${record.id}`,
    at: now.toISOString(),
  };
  const today = startOfDay(now, record.options.timezone);
  for (const { row, person, user, key } of enrolling) {
    const refuse = (column: string, reason: string) =>
      errorEntry(record.fileName, row.line, column, reason, row.raw, 'enrollment');
    const planned: Omit<StoredPlanEntry, 'seq'>[] = [];
    const named = new Map<string, string>();
    for (const cell of person.courses ?? []) {
      if ('refused' in cell) {
        planned.push(refuse(cell.refused.column, cell.refused.reason));
        continue;
      }
      const course = courseOf(cell, seen);
      if (!course) {
        planned.push(
          refuse(
            cell.column,
            `no course with the code ${cell.code} (a Moodle shortname is a course's code here)`,
          ),
        );
        continue;
      }
      const first = named.get(course.id);
      if (first) {
        planned.push(refuse(cell.column, `${cell.code} is ${first}'s course already: once per row`));
        continue;
      }
      named.set(course.id, cell.column);
      if (cell.status === 'active' && cell.start && cell.start.at > now.toISOString()) {
        planned.push(
          refuse(
            cell.start.column,
            `${cell.start.at} is in the future: this LMS enrolls at once, so an enrolment that starts later is not imported (import the row on that day)`,
          ),
        );
        continue;
      }
      const start = cell.start?.at ?? today;
      const dueAt = cell.period
        ? new Date(Date.parse(start) + cell.period.days * DAY_MS).toISOString()
        : undefined;
      const entry = enrollmentChange(
        {
          user,
          course,
          before: current.get(enrollmentKey({ courseId: course.id, userId: user.id })) ?? null,
        },
        { status: cell.status, ...(dueAt !== undefined ? { dueAt } : {}) },
        {
          file: record.fileName,
          line: row.line,
          raw: row.raw,
          key: `${key}/${course.code ?? cell.code}`,
          person: key,
          columns: {
            person: cell.column,
            course: cell.column,
            status: cell.statusColumn,
            dueDate: cell.period?.column ?? cell.column,
          },
        },
        seen.freeSeats,
        { now: now.toISOString(), source },
      );
      const warnings = [...(entry.warnings ?? []), ...cell.warnings];
      planned.push(entry.action === 'error' || warnings.length === 0 ? entry : { ...entry, warnings });
    }
    entries.set(row.line, planned);
  }
  return entries;
}

function codeOf(cell: CourseCell): string | undefined {
  return 'refused' in cell ? undefined : cell.code.toLowerCase();
}

function courseOf(cell: CourseCell, seen: CoursesSeen): Course | undefined {
  const code = codeOf(cell);
  return code === undefined ? undefined : (seen.byCode.get(code) ?? undefined);
}

/** Looks up the codes not seen yet (a course's code is claimed, one read each), and the seats of new ones. */
async function findCourses(deps: PlanDeps, seen: CoursesSeen, codes: readonly string[]): Promise<void> {
  for (const code of unique(codes)) {
    if (seen.byCode.has(code)) continue;
    const page = await deps.catalog.listCourses({ code }, { limit: 1 });
    const course = page.items[0] ?? null;
    seen.byCode.set(code, course);
    if (course && course.capacity !== null && !seen.freeSeats.has(course.id))
      seen.freeSeats.set(course.id, course.capacity - (await deps.enrollments.seatsTaken(course.id)));
  }
}

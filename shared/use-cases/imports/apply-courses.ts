/**
 * Courses in apply and undo. A course is written only if it is still at the version the plan read (a new
 * one: none yet, and its code free), with its code claim and the audit records of the requests the API
 * would take for the same change (created or updated, then published, archived or returned to draft), so
 * the outbox publishes the same domain events. Undo puts each course back while it is as the import left
 * it; one the import created is removed with its code, unless someone has been enrolled in it since, or
 * another course has made it a prerequisite, or a learning path holds it (removing it would leave them
 * naming a course that is not there), so the catalog after undo is the catalog before.
 */
import type { AuditRecord } from '../../domain/audit.ts';
import { Course } from '../../domain/course.ts';
import type { RowNote } from '../../domain/import.ts';
import type { CatalogRepository, EnrollmentRepository, Page, PageRequest, Runtime } from '../ports.ts';
import { type ChangeKind, importAudit, type Run } from './changes.ts';
import type { CourseBulk, CourseChange } from './ports.ts';

export interface CourseChangeDeps {
  courseBulk: CourseBulk;
  /** A course the import created is removed by undo only while no one is enrolled in it. */
  enrollments: Pick<EnrollmentRepository, 'listForCourse'>;
  /** ... nor named by another course's prerequisites or a learning path. */
  catalog: Pick<CatalogRepository, 'listCourses' | 'listLearningPaths'>;
  runtime: Runtime;
}

export function courseChanges(deps: CourseChangeDeps): ChangeKind<CourseChange> {
  return {
    key: (change) => change.after.code ?? change.after.id,

    async written(changes) {
      const current = await deps.courseBulk.current(changes.map((change) => change.after.id));
      return new Set(
        changes
          .filter((change) => same(current.get(change.after.id), change.after))
          .map((change) => change.seq),
      );
    },

    write(changes, run) {
      return deps.courseBulk.write(
        changes,
        changes.map((change) => courseAudits(deps, run, change)),
      );
    },

    async undo(changes, run) {
      const current = await deps.courseBulk.current(changes.map((change) => change.after.id));
      const namedBy = changes.some((change) => change.before === null)
        ? await whatNames(
            deps,
            new Set(changes.flatMap((change) => (change.before ? [] : [change.after.id]))),
          )
        : new Map<string, string>();
      const restores: { seq: number; before: Course; after: Course | null }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      for (const change of changes) {
        const key = change.after.code ?? change.after.id;
        const present = current.get(change.after.id);
        if (!present) {
          // One the import created, which an earlier run of this undo removed already.
          if (change.before === null) restored++;
          else refused.push({ line: change.line, key, reason: 'removed since the import' });
          continue;
        }
        if (change.before && isRestored(present, change.before, change.after)) {
          restored++;
          continue;
        }
        if (!same(present, change.after)) {
          refused.push({
            line: change.line,
            key,
            reason: `changed since the import (now at version ${present.version}): left as it is`,
          });
          continue;
        }
        if (!change.before) {
          const enrolled = await deps.enrollments.listForCourse(present.id, { limit: 1 });
          const named = namedBy.get(present.id);
          if (enrolled.items.length > 0 || named) {
            refused.push({
              line: change.line,
              key,
              reason: named
                ? `${named} since the import: left as it is (archive it instead)`
                : 'people have been enrolled in it since the import: left as it is (archive it instead)',
            });
            continue;
          }
        }
        const back = change.before ? { ...change.before, version: present.version + 1 } : null;
        restores.push({ seq: change.seq, before: present, after: back });
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: back ? (lifecycleAction(present, back) ?? 'course.updated') : 'course.removed',
            target: `course:${present.id}`,
            before: present,
            after: back ?? { removedBy: `import:${run.record.id}` },
          }),
        );
      }
      const failed = await deps.courseBulk.restore(restores, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const restore of restores) {
        const reason = failed.get(restore.seq);
        if (reason === undefined) restored++;
        else
          refused.push({
            line: lines.get(restore.seq) ?? 0,
            key: restore.before.code ?? restore.before.id,
            reason,
          });
      }
      return { restored, refused };
    },
  };
}

/**
 * What names the courses in `ids` now: another course's prerequisites, a learning path. Read once per undo
 * chunk that would remove a course, page by page (the catalog and its paths, not the people).
 */
async function whatNames(deps: CourseChangeDeps, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  const named = new Map<string, string>();
  await eachOf(
    (page) => deps.catalog.listCourses({}, page),
    (course) => {
      for (const id of course.prerequisiteIds)
        if (ids.has(id) && !ids.has(course.id) && !named.has(id))
          named.set(id, `the course ${course.title} has made it a prerequisite`);
    },
  );
  await eachOf(
    (page) => deps.catalog.listLearningPaths(page),
    (path) => {
      for (const id of path.courseIds)
        if (ids.has(id) && !named.has(id)) named.set(id, `the learning path ${path.title} holds it`);
    },
  );
  return named;
}

async function eachOf<T>(list: (page: PageRequest) => Promise<Page<T>>, visit: (item: T) => void) {
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 100, cursor });
    for (const item of page.items) visit(item);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** The audit records of one change: one for each request the API would take to make it. */
function courseAudits(deps: CourseChangeDeps, run: Run, change: CourseChange): AuditRecord[] {
  const target = `course:${change.after.id}`;
  return change.steps.map((step, index) => {
    const from = index === 0 ? change.before : (change.steps[index - 1] ?? null);
    // Ids in the order of the requests: the trail, newest first, lists the last step first.
    return importAudit(deps.runtime, run, `${change.seq}.${index}`, {
      action: from ? (lifecycleAction(from, step) ?? 'course.updated') : 'course.created',
      target,
      before: from,
      after: step,
    });
  });
}

/** The API's name of a change of status, if the change is one. */
function lifecycleAction(from: Course, to: Course): string | undefined {
  if (from.status === to.status) return undefined;
  if (to.status === 'published') return 'course.published';
  if (to.status === 'archived') return 'course.archived';
  return 'course.unarchived';
}

/** Whether two courses are the same record, field by field (in the schema's order). */
function same(a: Course | undefined, b: Course): boolean {
  return a !== undefined && JSON.stringify(Course.parse(a)) === JSON.stringify(Course.parse(b));
}

/** Whether undo put the course back already (one version after the import's, as it was before). */
function isRestored(present: Course, before: Course, written: Course): boolean {
  return present.version === written.version + 1 && same({ ...present, version: before.version }, before);
}

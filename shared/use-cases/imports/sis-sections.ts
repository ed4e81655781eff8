/**
 * Planning a Canvas SIS zip's sections.csv: each section is a static cohort of its course's people, keyed by
 * its section_id (the cohort's external id), so a second import of the same zip finds it. Steps, a window of
 * rows at a time:
 * - the row checked alone (canvas-sis-rows.ts); a second row of a section_id refused, naming the first;
 * - its course: the zip's courses.csv as planned, else the LMS (by code); none is an error on its line;
 * - the cohort with the section's id as external id: `unchanged` (imports never change a cohort; a rule
 *   cohort holding the id is refused, as its members follow its rule); else `create` a static cohort named
 *   `<section name> (<course code>)`, unless another cohort has that name (the names are unique);
 * - `deleted` removes nothing (cohorts are removed through the API) and creates nothing.
 * The enrollments of a section (enrollments.csv, planned next) add its students to its cohort.
 */
import { type Cohort, newCohort } from '../../domain/cohort.ts';
import type { Course } from '../../domain/course.ts';
import { canvasSections, type SectionRow } from '../../imports/canvas-sis-rows.ts';
import { KeySet } from '../../imports/key-set.ts';
import { errorEntry, headerWarnings, inWindows, unique } from './planning.ts';
import type { PlanContext, PlanDeps } from './ports.ts';

/** What enrollments.csv finds of a section: its course's code, and its cohort (none: deleted, or refused). */
export interface PlannedSection {
  courseCode: string;
  cohort: Cohort | null;
}

/** The longest cohort name (CreateCohortBody). */
const MAX_NAME = 120;

export async function planSections(
  deps: PlanDeps,
  context: PlanContext,
  zipCourses: ReadonlyMap<string, Course>,
  sections: Map<string, PlannedSection>,
): Promise<string[]> {
  const { record } = context;
  const file = record.fileName;
  const now = deps.runtime.now().toISOString();
  const warnings: string[] = [];
  const lines = new KeySet();
  const names = new KeySet();
  await inWindows(
    context,
    'cohort',
    (columns) => warnings.push(...headerWarnings(canvasSections, columns)),
    async (rows) => {
      const read = rows.map((row) => ({
        row,
        outcome: canvasSections.row(row.fields, { mode: 'upsert', options: record.options }),
      }));
      const valid = read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : []));
      const codes = unique(valid.map((section) => section.courseId.toLowerCase()));
      const [courseOwners, cohortOwners, nameOwners] = await Promise.all([
        deps.courseBulk.owners(codes.filter((code) => !zipCourses.has(code))),
        deps.cohortBulk.owners('externalId', unique(valid.map((section) => section.sectionId))),
        deps.cohortBulk.owners('name', unique(valid.map(cohortName))),
      ]);
      const cohorts = await deps.cohortBulk.current(unique([...cohortOwners.values()]));
      for (const { row, outcome } of read) {
        const refuse = (column: string | null, reason: string) =>
          context.add(errorEntry(file, row.line, column, reason, row.raw, 'cohort'));
        if (!outcome.ok) {
          await refuse(outcome.column, outcome.reason);
          continue;
        }
        const section = outcome.value;
        const first = lines.add(section.sectionId, row.line);
        if (first !== undefined) {
          await refuse(
            'section_id',
            `section_id ${section.sectionId} is that of line ${first} already: one row per section`,
          );
          continue;
        }
        const code = section.courseId.toLowerCase();
        if (!zipCourses.has(code) && !courseOwners.has(code)) {
          await refuse(
            'course_id',
            `no course ${section.courseId} in the zip's courses.csv or in this LMS: the section is not imported`,
          );
          continue;
        }
        const existing = cohorts.get(cohortOwners.get(section.sectionId) ?? '');
        const target = { kind: 'cohort', id: existing?.id ?? null, key: section.sectionId };
        if (existing?.kind === 'rule') {
          await refuse(
            'section_id',
            `the cohort ${existing.name} has the external id ${section.sectionId}, and is a rule cohort: its members follow its rule, not the section's enrollments`,
          );
          continue;
        }
        if (existing || section.status === 'deleted') {
          sections.set(section.sectionId, {
            courseCode: section.courseId,
            cohort: section.status === 'deleted' ? null : (existing ?? null),
          });
          await context.add({
            file,
            line: row.line,
            action: 'unchanged',
            target,
            diffs: {},
            ...(section.status === 'deleted'
              ? {
                  warnings: [
                    existing
                      ? `deleted in Canvas: the cohort ${existing.name} stays (cohorts are removed through the API), and takes no one new`
                      : 'deleted in Canvas: not imported',
                  ],
                }
              : {}),
          });
          continue;
        }
        const name = cohortName(section);
        const taken = nameOwners.get(name.toLowerCase());
        const named = names.add(name.toLowerCase(), row.line);
        if (taken || named !== undefined) {
          await refuse(
            'name',
            taken
              ? `a cohort is named ${name} already (without this section's id): give it the external id ${section.sectionId} to import the section into it, or rename it`
              : `line ${named} makes a cohort named ${name} already: give the section another name`,
          );
          continue;
        }
        const cohort = newCohort(deps.runtime.newId(), now, {
          name,
          description: `Canvas section ${section.sectionId} of the course ${section.courseId}.`,
          kind: 'static',
          externalId: section.sectionId,
        });
        sections.set(section.sectionId, { courseCode: section.courseId, cohort });
        await context.add({
          file,
          line: row.line,
          action: 'create',
          target: { ...target, id: cohort.id },
          diffs: {
            name: { from: null, to: cohort.name },
            externalId: { from: null, to: cohort.externalId },
          },
          write: { op: 'cohort', before: null, after: cohort },
        });
      }
    },
  );
  return warnings;
}

/** `<section name> (<course code>)`: sections are often called "Section 1", in every course. */
function cohortName(section: SectionRow): string {
  const course = ` (${section.courseId})`;
  return `${section.name.slice(0, MAX_NAME - course.length).trim()}${course}`;
}

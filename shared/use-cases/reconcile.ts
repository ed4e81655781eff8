/**
 * Reconciliation, for "the report says 40 and the page says 42" (`GET /reports/reconcile?entity=`).
 * Steps: the latest export's manifest -> its counts per department (people) or course (enrollments,
 * completions), by internal queries on the report engine (not catalog reports) -> the live counts (departments'
 * member counters; each course's enrollments) -> for each group that differs, the rows on each side, and each
 * row's cause: created, moved, enrolled or completed after the export (its timestamps are after
 * `exportedAt`), an erased person (left out of every export, or masked), or unexplained -> the filters reports
 * apply to the exported rows (suspended people, withdrawn enrollments, archived courses), counted.
 */
import * as z from 'zod';
import type { ExportManifest } from '../analytics/export-run.ts';
import { ConflictError } from '../domain/errors.ts';
import type { ReconciledEntity, ReconciledGroup, Reconciliation } from '../domain/reconciliation.ts';
import { defineReport, type ReportColumn, type ReportDefinition } from '../reports/definition.ts';
import type { ExportSnapshot, ReportEngine } from '../reports/engine.ts';
import { snapshotOf } from '../reports/snapshot.ts';

export interface LivePerson {
  id: string;
  departmentId: string | null;
  createdAt: string;
  updatedAt: string;
  erased: boolean;
}

export interface LiveEnrollment {
  userId: string;
  enrolledAt: string;
  completedAt: string | null;
}

/** The live table, as the pages show it. */
export interface LiveTable {
  /** Every department with its member counter (what the department's page shows). */
  departments(): Promise<{ id: string; name: string; memberCount: number }[]>;
  peopleOfDepartment(departmentId: string): Promise<LivePerson[]>;
  people(ids: readonly string[]): Promise<LivePerson[]>;
  courses(): Promise<{ id: string; title: string }[]>;
  /** Strongly consistent: every enrollment of the course. */
  enrollmentsOfCourse(courseId: string): Promise<LiveEnrollment[]>;
}

export interface ReconcileDeps {
  /** The newest succeeded export's manifest, or null when none succeeded. */
  latestExport(): Promise<ExportManifest | null>;
  engine: ReportEngine;
  live: LiveTable;
}

/** Examples of people a cause names, per cause. */
const EXAMPLES = 5;

export async function reconcile(deps: ReconcileDeps, entity: ReconciledEntity): Promise<Reconciliation> {
  const manifest = await deps.latestExport();
  if (!manifest)
    throw new ConflictError(
      'No analytics export has succeeded yet: run one (POST /exports), then reconcile.',
    );
  const snapshot = snapshotOf(manifest);
  const query = (report: ReportDefinition, params: Record<string, unknown> = {}) =>
    deps.engine
      .run({ report, params, scope: { kind: 'everything' }, snapshot })
      .then((outcome) => outcome.rows);
  const differences =
    entity === 'people'
      ? await peopleByDepartment(deps, snapshot, query)
      : await enrollmentsByCourse(deps, snapshot, query, entity);
  const filters = (await query(FILTERS[entity])).map((row) => ({
    filter: String(row.filter_name),
    rows: Number(row.row_count),
    detail: FILTER_DETAILS[String(row.filter_name)] ?? '',
  }));
  const exported = differences.all.reduce((sum, group) => sum + group.exported, 0);
  const live = differences.all.reduce((sum, group) => sum + group.live, 0);
  return {
    entity,
    groupedBy: entity === 'people' ? 'department' : 'course',
    exportRunId: manifest.runId,
    exportedAt: manifest.exportedAt,
    totals: { exported, live, difference: live - exported },
    omitted: manifest.files[entity]?.omitted ?? {},
    differences: differences.differing,
    filters,
  };
}

type Query = (
  report: ReportDefinition,
  params?: Record<string, unknown>,
) => Promise<Record<string, unknown>[]>;

interface Groups {
  all: { exported: number; live: number }[];
  differing: ReconciledGroup[];
}

async function peopleByDepartment(
  deps: ReconcileDeps,
  snapshot: ExportSnapshot,
  query: Query,
): Promise<Groups> {
  const exportedCounts = countsByGroup(await query(PEOPLE_COUNTS));
  const departments = await deps.live.departments();
  const all: Groups['all'] = [];
  const differing: ReconciledGroup[] = [];
  const ids = new Set([...departments.map((department) => department.id), ...exportedCounts.keys()]);
  for (const id of ids) {
    const department = departments.find((candidate) => candidate.id === id);
    const exported = exportedCounts.get(id) ?? 0;
    const live = department?.memberCount ?? 0;
    all.push({ exported, live });
    if (exported === live) continue;
    const exportedIds = new Set(
      (await query(PEOPLE_OF_DEPARTMENT, { group: id })).map((row) => String(row.id)),
    );
    const livePeople = await deps.live.peopleOfDepartment(id);
    const liveIds = new Set(livePeople.map((person) => person.id));
    const causes = new CauseTally();
    for (const person of livePeople) {
      if (exportedIds.has(person.id)) continue;
      if (person.erased)
        causes.add('erased', 'erased: counted by the department, never exported', +1, person.id);
      else if (person.createdAt > snapshot.exportedAt)
        causes.add('changed-after-export', 'created', +1, person.id);
      else if (person.updatedAt > snapshot.exportedAt)
        causes.add('changed-after-export', 'moved in', +1, person.id);
      else causes.add('unexplained', 'in the department, not in the export', +1, person.id);
    }
    const gone = [...exportedIds].filter((person) => !liveIds.has(person));
    const now = new Map((await deps.live.people(gone)).map((person) => [person.id, person]));
    for (const personId of gone) {
      const person = now.get(personId);
      if (!person || person.erased) causes.add('erased', 'erased after the export', -1, personId);
      else if (person.updatedAt > snapshot.exportedAt)
        causes.add('changed-after-export', 'moved out', -1, personId);
      else causes.add('unexplained', 'in the export, not in the department', -1, personId);
    }
    differing.push({
      groupId: id,
      name: department?.name ?? null,
      exported,
      live,
      difference: live - exported,
      causes: causes.list(),
    });
  }
  return { all, differing };
}

async function enrollmentsByCourse(
  deps: ReconcileDeps,
  snapshot: ExportSnapshot,
  query: Query,
  entity: 'enrollments' | 'completions',
): Promise<Groups> {
  const completions = entity === 'completions';
  const exportedCounts = countsByGroup(await query(completions ? COMPLETION_COUNTS : ENROLLMENT_COUNTS));
  const courses = await deps.live.courses();
  const all: Groups['all'] = [];
  const differing: ReconciledGroup[] = [];
  const ids = new Set([...courses.map((course) => course.id), ...exportedCounts.keys()]);
  for (const id of ids) {
    const enrollments = (await deps.live.enrollmentsOfCourse(id)).filter(
      (enrollment) => !completions || enrollment.completedAt !== null,
    );
    const exported = exportedCounts.get(id) ?? 0;
    const live = enrollments.length;
    all.push({ exported, live });
    if (exported === live) continue;
    const rows = await query(completions ? COMPLETIONS_OF_COURSE : ENROLLMENTS_OF_COURSE, { group: id });
    const exportedIds = new Set(
      rows
        .map((row) => row.id)
        .filter((person) => person !== null)
        .map(String),
    );
    const masked = rows.filter((row) => row.id === null).length;
    const causes = new CauseTally();
    const liveIds = new Set(enrollments.map((enrollment) => enrollment.userId));
    for (const enrollment of enrollments) {
      if (exportedIds.has(enrollment.userId)) continue;
      const since = completions ? enrollment.completedAt : enrollment.enrolledAt;
      if (since !== null && since > snapshot.exportedAt)
        causes.add('changed-after-export', completions ? 'completed' : 'enrolled', +1, enrollment.userId);
      else causes.add('unexplained', 'live, not in the export', +1, enrollment.userId);
    }
    // An erased person's rows are kept with their id masked: they match nobody live.
    for (let i = 0; i < masked; i++) causes.add('erased', 'a row of an erased person, id masked', -1, null);
    for (const personId of exportedIds) {
      if (liveIds.has(personId)) continue;
      causes.add('changed-after-export', completions ? 'completion undone' : 'removed', -1, personId);
    }
    differing.push({
      groupId: id,
      name: courses.find((course) => course.id === id)?.title ?? null,
      exported,
      live,
      difference: live - exported,
      causes: causes.list(),
    });
  }
  return { all, differing };
}

function countsByGroup(rows: Record<string, unknown>[]): Map<string, number> {
  return new Map(rows.map((row) => [row.group_id as string, Number(row.row_count)]));
}

class CauseTally {
  private readonly causes = new Map<string, ReconciledGroup['causes'][number]>();

  add(
    cause: ReconciledGroup['causes'][number]['cause'],
    change: string,
    sign: 1 | -1,
    example: string | null,
  ) {
    const key = `${cause}:${change}`;
    const entry = this.causes.get(key) ?? { cause, change, count: 0, examples: [] };
    entry.count += sign;
    if (example && entry.examples.length < EXAMPLES) entry.examples.push(example);
    this.causes.set(key, entry);
  }

  list(): ReconciledGroup['causes'] {
    return [...this.causes.values()];
  }
}

// The internal queries: in the same SQL subset as the catalog's reports, run by the same engine.
const GROUP_COUNT_COLUMNS: readonly ReportColumn[] = [
  { name: 'group_id', title: 'Group', type: 'string' },
  { name: 'row_count', title: 'Rows', type: 'integer' },
];
const ID_COLUMNS: readonly ReportColumn[] = [{ name: 'id', title: 'Person', type: 'string' }];
const FILTER_COLUMNS: readonly ReportColumn[] = [
  { name: 'filter_name', title: 'Filter', type: 'string' },
  { name: 'row_count', title: 'Rows', type: 'integer' },
];
const NO_PARAMS = z.strictObject({});
const GROUP_PARAM = z.strictObject({ group: z.string() });

function internal(
  name: string,
  tables: ReportDefinition['tables'],
  sql: string,
  columns: readonly ReportColumn[],
  params: z.ZodType = NO_PARAMS,
): ReportDefinition {
  return defineReport({
    name: `reconcile-${name}`,
    title: `Reconciliation: ${name}`,
    description: 'Internal to GET /reports/reconcile; not in the catalog.',
    roles: ['admin'],
    params,
    example: {},
    tables,
    sql,
    columns,
    chart: { mark: 'bar', encoding: {} },
  });
}

const PEOPLE_COUNTS = internal(
  'people-counts',
  ['people'],
  'SELECT department_id AS group_id, count(*) AS row_count FROM people WHERE department_id IS NOT NULL GROUP BY department_id',
  GROUP_COUNT_COLUMNS,
);
const PEOPLE_OF_DEPARTMENT = internal(
  'people-of-department',
  ['people'],
  'SELECT user_id AS id FROM people WHERE department_id = :group',
  ID_COLUMNS,
  GROUP_PARAM,
);
const ENROLLMENT_COUNTS = internal(
  'enrollment-counts',
  ['enrollments'],
  'SELECT course_id AS group_id, count(*) AS row_count FROM enrollments GROUP BY course_id',
  GROUP_COUNT_COLUMNS,
);
const ENROLLMENTS_OF_COURSE = internal(
  'enrollments-of-course',
  ['enrollments'],
  'SELECT user_id AS id FROM enrollments WHERE course_id = :group',
  ID_COLUMNS,
  GROUP_PARAM,
);
const COMPLETION_COUNTS = internal(
  'completion-counts',
  ['completions'],
  // Imported historical completions have no enrollment to compare with: they are a filter, below.
  'SELECT course_id AS group_id, count(*) AS row_count FROM completions WHERE coalesce(imported, FALSE) = FALSE GROUP BY course_id',
  GROUP_COUNT_COLUMNS,
);
const COMPLETIONS_OF_COURSE = internal(
  'completions-of-course',
  ['completions'],
  'SELECT user_id AS id FROM completions WHERE course_id = :group AND coalesce(imported, FALSE) = FALSE',
  ID_COLUMNS,
  GROUP_PARAM,
);

const FILTERS: Readonly<Record<ReconciledEntity, ReportDefinition>> = {
  people: internal(
    'people-filters',
    ['people'],
    `SELECT 'suspended' AS filter_name, count_if(status = 'suspended') AS row_count FROM people
UNION ALL SELECT 'no-department' AS filter_name, count_if(department_id IS NULL) AS row_count FROM people`,
    FILTER_COLUMNS,
  ),
  enrollments: internal(
    'enrollment-filters',
    ['enrollments', 'courses'],
    `SELECT 'withdrawn-or-expired' AS filter_name, count_if(e.status IN ('withdrawn', 'expired')) AS row_count FROM enrollments e
UNION ALL SELECT 'archived-course' AS filter_name, count(*) AS row_count
FROM enrollments e JOIN courses c ON c.course_id = e.course_id WHERE c.status = 'archived'`,
    FILTER_COLUMNS,
  ),
  completions: internal(
    'completion-filters',
    ['completions', 'courses'],
    `SELECT 'imported' AS filter_name, count_if(imported) AS row_count FROM completions
UNION ALL SELECT 'archived-course' AS filter_name, count(*) AS row_count
FROM completions x JOIN courses c ON c.course_id = x.course_id WHERE c.status = 'archived'`,
    FILTER_COLUMNS,
  ),
};

/** Every internal query, for the test that parses them as Athena receives them. */
export const RECONCILE_QUERIES: readonly ReportDefinition[] = [
  PEOPLE_COUNTS,
  PEOPLE_OF_DEPARTMENT,
  ENROLLMENT_COUNTS,
  ENROLLMENTS_OF_COURSE,
  COMPLETION_COUNTS,
  COMPLETIONS_OF_COURSE,
  ...Object.values(FILTERS),
];

const FILTER_DETAILS: Readonly<Record<string, string>> = {
  suspended:
    'Suspended people: exported and counted by departments, left out by reports of active people (compliance, overdue).',
  'no-department': 'People in no department: no department page counts them.',
  'withdrawn-or-expired':
    'Withdrawn or expired enrollments: exported, left out by reports of current enrollments (funnel, overdue).',
  'archived-course':
    "Rows of archived courses: exported, left out of the catalog's pages of current courses (and of reports that keep to published courses).",
  imported:
    'Imported historical completions: counted by completion reports, with no enrollment in the LMS to compare with.',
};

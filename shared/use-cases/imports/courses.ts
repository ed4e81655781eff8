/**
 * Planning a courses file (ours or Moodle's course upload). One pass, a window of rows at a time:
 *   find each row's course by its code (the `courseCode` claims, ignoring case), the owners by email and the
 *   category by id, path or name, and write one entry per row: create, update (with the diffs), unchanged,
 *   or error with its column and reason. A row's course is made as the API's requests would make it (created
 *   or updated, then published, archived or returned to draft), with the API's rules: owners are people,
 *   the category exists, an archived course is returned to draft before it is published, a published course
 *   is not returned to draft, and publishing is held by the accessibility gate.
 */
import { type Category, type Course, type CourseCost, draftCourse } from '../../domain/course.ts';
import { courseFormatOf } from '../../imports/course-formats.ts';
import type { CourseFormat, CourseRow } from '../../imports/course-rows.ts';
import { KeySet } from '../../imports/key-set.ts';
import { CellError, type RowContext } from '../../imports/rows.ts';
import { errorEntry, headerWarnings, inWindows, type ReadRow, same, unique } from './planning.ts';
import type { ImportRecord, PlanContext, PlanDeps, PlanOutcome, StoredPlanEntry } from './ports.ts';

/** The fields a course's entry shows when they change. */
const DIFF_FIELDS = [
  'code',
  'title',
  'description',
  'language',
  'durationMinutes',
  'expectedMinutes',
  'cost',
  'categoryId',
  'ownerIds',
  'tags',
  'capacity',
  'selfEnrollment',
  'reviewBy',
  'customFields',
  'status',
] as const;

/** What a new course's fields are before a row gives them anything. */
const EMPTY: Partial<Record<(typeof DIFF_FIELDS)[number], unknown>> = {
  description: '',
  durationMinutes: null,
  expectedMinutes: null,
  cost: null,
  categoryId: null,
  ownerIds: [],
  tags: [],
  capacity: null,
  selfEnrollment: false,
  reviewBy: null,
  customFields: {},
};

/** `format`: the file's, by default the import's (a Canvas SIS zip's courses.csv gives its own). */
export async function planCourses(
  deps: PlanDeps,
  context: PlanContext,
  format: CourseFormat = courseFormatOf(context.record.format),
): Promise<PlanOutcome> {
  const { record } = context;
  const rowContext: RowContext = { mode: record.mode, options: record.options };
  const categories = categoryIndex(await deps.catalog.listCategories());
  const codes = new KeySet();
  const warnings: string[] = [];
  await inWindows(
    context,
    'course',
    (columns) => warnings.push(...headerWarnings(format, columns)),
    async (rows) => {
      const read = rows.map((row) => ({ row, outcome: format.row(row.fields, rowContext) }));
      const valid = read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : []));
      const holders = await deps.courseBulk.owners(unique(valid.map((row) => row.code.toLowerCase())));
      const [courses, owners] = await Promise.all([
        deps.courseBulk.current(unique([...holders.values()])),
        deps.peopleBulk.owners('email', unique(valid.flatMap((row) => row.ownerEmails ?? []))),
      ]);
      for (const { row, outcome } of read) {
        if (!outcome.ok) {
          await context.add(
            errorEntry(record.fileName, row.line, outcome.column, outcome.reason, row.raw, 'course'),
          );
          continue;
        }
        const first = codes.add(outcome.value.code.toLowerCase(), row.line);
        if (first !== undefined) {
          await context.add(
            errorEntry(
              record.fileName,
              row.line,
              format.columnOf.code,
              `the course ${outcome.value.code} is on line ${first} already: one row per course`,
              row.raw,
              'course',
            ),
          );
          continue;
        }
        const id = holders.get(outcome.value.code.toLowerCase());
        const before = id === undefined ? null : (courses.get(id) ?? null);
        try {
          const entry = await courseEntry(deps, record, format, outcome.value, row, before, {
            categories,
            owners,
          });
          await context.add(outcome.warnings ? { ...entry, warnings: outcome.warnings } : entry);
        } catch (error) {
          if (!(error instanceof CellError)) throw error;
          await context.add(
            errorEntry(record.fileName, row.line, error.column, error.message, row.raw, 'course'),
          );
        }
      }
    },
  );
  return { scope: 0, warnings };
}

/** Categories by id, by path of names (`safety/fire`, lower case) and by name; a name two share maps to null. */
interface CategoryIndex {
  byId: Map<string, Category>;
  byPath: Map<string, string | null>;
  byName: Map<string, string | null>;
}

function categoryIndex(categories: readonly Category[]): CategoryIndex {
  const byId = new Map(categories.map((category) => [category.id, category]));
  const byPath = new Map<string, string | null>();
  const byName = new Map<string, string | null>();
  for (const category of categories) {
    const names: string[] = [];
    for (let at: Category | undefined = category; at && names.length <= byId.size; ) {
      names.unshift(at.name.trim().toLowerCase());
      at = at.parentId ? byId.get(at.parentId) : undefined;
    }
    const path = names.join('/');
    byPath.set(path, byPath.has(path) ? null : category.id);
    const name = category.name.trim().toLowerCase();
    byName.set(name, byName.has(name) ? null : category.id);
  }
  return { byId, byPath, byName };
}

/** The category a cell names: its id, its path of names (`Safety / Fire`), or a name only one category has. */
function categoryOf(index: CategoryIndex, named: { named: string; column: string }): string {
  if (index.byId.has(named.named)) return named.named;
  const path = named.named
    .split('/')
    .map((part) => part.trim().toLowerCase())
    .join('/');
  const id = path.includes('/') ? index.byPath.get(path) : index.byName.get(path);
  if (id === null)
    throw new CellError(
      named.column,
      `more than one category is called ${named.named}: name it by its path from the top (Parent/Child)`,
    );
  if (id === undefined) throw new CellError(named.column, `no category ${named.named}`);
  return id;
}

/** One row's entry: the course it creates or changes, as the API's requests would, or why it cannot. */
async function courseEntry(
  deps: PlanDeps,
  record: ImportRecord,
  format: CourseFormat,
  row: CourseRow,
  read: ReadRow,
  before: Course | null,
  found: { categories: CategoryIndex; owners: Map<string, string> },
): Promise<Omit<StoredPlanEntry, 'seq'>> {
  const now = deps.runtime.now().toISOString();
  const { columnOf } = format;
  const ownerIds = row.ownerEmails?.map((email) => {
    const owner = found.owners.get(email);
    if (!owner) throw new CellError('owner_emails', `no person with the email ${email} to own the course`);
    return owner;
  });
  // Version 0 before the row's edit, which adds 1 to it, as to a course read.
  const base: Course = before ?? {
    ...draftCourse(deps.runtime.newId(), now, { title: '', code: row.code }, []),
    version: 0,
  };
  if (!before && !row.title) throw new CellError(columnOf.title, 'the title is required for a new course');
  const edited: Course = {
    ...base,
    ...(row.title !== undefined ? { title: row.title } : {}),
    ...(row.description !== undefined ? { description: row.description } : {}),
    ...(row.language !== undefined ? { language: row.language } : {}),
    ...(row.durationMinutes !== undefined ? { durationMinutes: row.durationMinutes } : {}),
    ...(row.expectedMinutes !== undefined ? { expectedMinutes: row.expectedMinutes } : {}),
    ...(row.cost !== undefined ? { cost: costOf(base.cost, row.cost) } : {}),
    ...(row.category !== undefined ? { categoryId: categoryOf(found.categories, row.category) } : {}),
    ...(ownerIds !== undefined ? { ownerIds } : {}),
    ...(row.tags !== undefined ? { tags: row.tags } : {}),
    ...(row.capacity !== undefined ? { capacity: row.capacity } : {}),
    ...(row.selfEnrollment !== undefined ? { selfEnrollment: row.selfEnrollment } : {}),
    ...(row.reviewBy !== undefined ? { reviewBy: row.reviewBy } : {}),
    customFields: { ...base.customFields, ...row.customFields },
  };
  const warnings: string[] = [];
  const target = await targetStatus(deps, format, row, base, warnings);
  const steps: Course[] = [];
  let at = base;
  if (!before || !sameFields(base, edited)) {
    at = { ...edited, updatedAt: now, version: base.version + 1 };
    steps.push(at);
  }
  if (target !== at.status) {
    at = {
      ...at,
      status: target,
      ...(target === 'published' ? { publishedAt: now, publishAt: null } : {}),
      ...(target === 'archived' ? { archivedAt: now, archiveAt: null } : {}),
      ...(target === 'draft' ? { archivedAt: null } : {}),
      updatedAt: now,
      version: at.version + 1,
    };
    steps.push(at);
  }
  const entry = {
    file: record.fileName,
    line: read.line,
    target: { kind: 'course', id: base.id, key: base.code ?? row.code },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  if (steps.length === 0) return { ...entry, action: 'unchanged', diffs: {} };
  return {
    ...entry,
    action: before ? 'update' : 'create',
    diffs: diffsOf(before, at),
    write: { op: 'course', before, after: at, steps },
  };
}

/** The row's parts of a cost laid over the course's; a cost without a currency is refused. */
function costOf(cost: CourseCost | null, parts: Partial<CourseCost>): CourseCost {
  const currency = parts.currency ?? cost?.currency;
  if (!currency)
    throw new CellError('cost_currency', 'a cost needs its currency (an ISO 4217 code such as EUR)');
  return { perSeat: parts.perSeat ?? cost?.perSeat ?? 0, fixed: parts.fixed ?? cost?.fixed ?? 0, currency };
}

/**
 * The status the row leaves the course in, by the API's lifecycle: draft -> published -> archived, and
 * archived -> draft; publishing is held by the accessibility gate as a request to publish is.
 */
async function targetStatus(
  deps: PlanDeps,
  format: CourseFormat,
  row: CourseRow,
  course: Course,
  warnings: string[],
): Promise<Course['status']> {
  const column = format.columnOf.status;
  if (row.hidden && course.status === 'published')
    warnings.push(
      'visible is 0, but a published course is not unpublished here: it stays published (archive it to take it out of the catalog)',
    );
  const wanted = row.status ?? course.status;
  if (wanted === course.status) return wanted;
  if (course.status === 'archived' && wanted === 'published')
    throw new CellError(
      column,
      `${course.title} is archived: give it the status draft first, then publish it (as an administrator would)`,
    );
  if (course.status === 'published' && wanted === 'draft')
    throw new CellError(column, `${course.title} is published: a published course is not returned to draft`);
  if (wanted === 'published' && course.currentContentVersion !== null) {
    const content = await deps.content.getContentVersion(course.id, course.currentContentVersion);
    const report = content?.accessibility;
    if (report?.blocking && course.accessibilityWaiver?.contentVersion !== course.currentContentVersion)
      throw new CellError(
        column,
        `${course.title} v${course.currentContentVersion} has ${report.critical} critical and ${report.serious} serious accessibility violations: fix the package, or an administrator records a waiver, before it is published`,
      );
  }
  return wanted;
}

/** Whether two courses have the same fields a row sets. */
function sameFields(a: Course, b: Course): boolean {
  return DIFF_FIELDS.every((field) => same(a[field], b[field]));
}

function diffsOf(before: Course | null, after: Course): StoredPlanEntry['diffs'] {
  const diffs: StoredPlanEntry['diffs'] = {};
  for (const field of DIFF_FIELDS) {
    const from = before ? before[field] : null;
    const to = after[field];
    // A new course shows what the row gives it, not the empty fields every course starts with.
    if (before === null && same(to, EMPTY[field])) continue;
    if (!same(from, to)) diffs[field] = { from, to };
  }
  return diffs;
}

/**
 * Planning a people file (our format, Moodle's Upload users, Canvas users.csv). Two passes over the file:
 *   1. read every row with its format's rules, and note each email and external id with its first line (a
 *      compact key set, so a million rows fit), so that a duplicate, or a manager who is further down the
 *      file, is known wherever it is;
 *   2. a window of rows at a time: find who each row is (by external id, else email; a renamed person by
 *      their previous email or account; by their source account when a format names people by one, as
 *      Moodle does), resolve department and manager, and write one entry per row: create, update, suspend,
 *      unchanged, or error with its column and reason. Fields the person has marked sticky are kept.
 * A sync feed then suspends the people of its scope it does not list.
 */
import { createHash } from 'node:crypto';
import type { PlanEntry } from '../../domain/import.ts';
import { MAX_CUSTOM_ATTRIBUTES, STICKY_FIELDS, type User } from '../../domain/user.ts';
import { canvasPeople } from '../../imports/canvas-people.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { KeySet } from '../../imports/key-set.ts';
import { moodlePeople } from '../../imports/moodle-people.ts';
import { lmsPeople } from '../../imports/people-formats.ts';
import type { PeopleFormat, PersonColumn, PersonRow } from '../../imports/people-rows.ts';
import type { RowContext } from '../../imports/rows.ts';
import { type CohortsSeen, planRowCohorts } from './people-cohorts.ts';
import { type CoursesSeen, coursesSeen, type PlannedPerson, planRowCourses } from './people-courses.ts';
import {
  type DepartmentIndex,
  departmentIndex,
  departmentOf,
  errorEntry,
  fieldsOf,
  headerWarnings,
  inWindows,
  type ReadRow,
  same,
  unique,
} from './planning.ts';
import type { ImportRecord, PlanContext, PlanDeps, PlanOutcome, StoredPlanEntry } from './ports.ts';

/** Each import format's people adapter (docs/imports.md). */
const FORMATS: Readonly<Record<ImportRecord['format'], PeopleFormat>> = {
  lms: lmsPeople,
  moodle: moodlePeople,
  canvas: canvasPeople,
};

export function peopleFormatOf(record: ImportRecord): PeopleFormat {
  return FORMATS[record.format];
}

/** Our format's columns, which a format names otherwise in `columnOf`. */
const LMS_COLUMNS: Readonly<Record<PersonColumn, string>> = {
  email: 'email',
  externalId: 'external_id',
  givenName: 'given_name',
  familyName: 'family_name',
  department: 'department',
  managerEmail: 'manager_email',
  managerExternalId: 'manager_external_id',
};

/**
 * The external id a row finds its person by: the one it gives, else its source account's (Moodle's username
 * when the row has no idnumber). A sync's empty external id (null: cleared) finds no one by it.
 */
function externalKeyOf(person: PersonRow): string | undefined {
  if (person.externalId !== undefined) return person.externalId ?? undefined;
  return person.account?.value;
}

/**
 * The id a person created by this import gets: derived from the import and their email, so a report row
 * above their row can name them as manager, and planning the same file twice names them the same.
 */
export function plannedUserId(importId: string, email: string): string {
  const hex = createHash('sha256').update(`${importId}\n${email}`).digest('hex');
  // A version-8 (custom) UUID with the RFC 9562 variant.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function planPeople(deps: PlanDeps, context: PlanContext): Promise<PlanOutcome> {
  const { record } = context;
  const format = peopleFormatOf(record);
  const rowContext: RowContext = { mode: record.mode, options: record.options };
  const departments = await departmentIndex(deps);
  const fileName = record.fileName;
  const warnings: string[] = [];

  // Pass 1: every valid row's email and external id (and other keys), with the line each is first on.
  const emails = new KeySet();
  const externalIds = new KeySet();
  const others = new Map<string, KeySet>();
  let columns: string[] = [];
  for await (const event of context.open()) {
    if (event.kind === 'header') {
      columns = event.columns.map((column) => column.trim().toLowerCase());
      warnings.push(...headerWarnings(format, columns));
      continue;
    }
    if (event.kind !== 'row') continue;
    const outcome = format.row(fieldsOf(columns, event.values), rowContext);
    if (!outcome.ok) continue;
    emails.add(outcome.value.email, event.line);
    const externalKey = externalKeyOf(outcome.value);
    if (externalKey) externalIds.add(externalKey, event.line);
    for (const { column, value } of outcome.value.unique ?? []) {
      const keys = others.get(column) ?? new KeySet();
      others.set(column, keys);
      keys.add(value, event.line);
    }
  }

  // Pass 2: a window of rows at a time. The row as the file had it is kept for errors.csv, without the
  // cells of columns the format ignores on purpose (passwords): they are never stored. The courses rows
  // name, and the seats the rows so far take, are the whole file's.
  const courses = coursesSeen();
  const cohorts: CohortsSeen = new Map();
  await inWindows(
    context,
    'user',
    () => undefined,
    (rows) =>
      planWindow(deps, context, format, rowContext, rows, {
        emails,
        externalIds,
        others,
        departments,
        fileName,
        columns: { ...LMS_COLUMNS, ...format.columnOf },
        courses,
        cohorts,
      }),
    Object.keys(format.ignored ?? {}),
  );

  const now = deps.runtime.now().toISOString();
  const scope = await walkScope(deps, record, departments, async (person) => {
    if (record.mode !== 'sync') return;
    if (emails.has(person.email) || (person.externalId && externalIds.has(person.externalId))) return;
    await context.add(missingFromFeed(record, person, now));
  });
  return { scope, warnings };
}

interface Known {
  emails: KeySet;
  externalIds: KeySet;
  /** Other keys of one person each (PersonRow.unique), by column. */
  others: Map<string, KeySet>;
  departments: DepartmentIndex;
  fileName: string;
  /** The file's column of each field the planner may refuse. */
  columns: Readonly<Record<PersonColumn, string>>;
  /** The courses rows enroll their people in (Moodle's course columns), as found so far. */
  courses: CoursesSeen;
  /** The cohorts rows add their people to (Moodle's cohort columns), as found or planned so far. */
  cohorts: CohortsSeen;
}

async function planWindow(
  deps: PlanDeps,
  context: PlanContext,
  format: PeopleFormat,
  rowContext: RowContext,
  rows: readonly ReadRow[],
  known: Known,
): Promise<void> {
  const read = rows.map((row) => ({ row, outcome: format.row(row.fields, rowContext) }));
  const people = read.flatMap(({ outcome }) => (outcome.ok ? [outcome.value] : []));
  const [byEmail, byExternalId, managersByEmail, managersByExternalId] = await Promise.all([
    deps.peopleBulk.owners(
      'email',
      unique(people.flatMap((p) => [p.email, ...(p.previousEmail ? [p.previousEmail] : [])])),
    ),
    deps.peopleBulk.owners(
      'externalId',
      unique(
        people.flatMap((p) => [
          ...(externalKeyOf(p) ? [externalKeyOf(p) as string] : []),
          ...(p.account?.rename.from ? [p.account.rename.from] : []),
        ]),
      ),
    ),
    deps.peopleBulk.owners(
      'email',
      unique(people.flatMap((p) => (p.manager && 'email' in p.manager ? [p.manager.email] : []))),
    ),
    deps.peopleBulk.owners(
      'externalId',
      unique(people.flatMap((p) => (p.manager && 'externalId' in p.manager ? [p.manager.externalId] : []))),
    ),
  ]);
  const current = await deps.peopleBulk.current(unique([...byEmail.values(), ...byExternalId.values()]));
  const entries: { line: number; entry: Omit<StoredPlanEntry, 'seq'> }[] = [];
  const planned: PlannedPerson[] = [];
  for (const { row, outcome } of read) {
    if (!outcome.ok) {
      entries.push({
        line: row.line,
        entry: errorEntry(known.fileName, row.line, outcome.column, outcome.reason, row.raw, 'user'),
      });
      continue;
    }
    const entry = personEntry(context.record, outcome.value, row, known, {
      byEmail,
      byExternalId,
      managersByEmail,
      managersByExternalId,
      current,
      now: deps.runtime.now().toISOString(),
    });
    // The person as the plan leaves them, whom the row's courses enroll (none when the row is refused).
    const user = entry.write?.op === 'person' ? entry.write.after : current.get(entry.target.id ?? '');
    entries.push({
      line: row.line,
      entry: { ...entry, ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}) },
    });
    if (entry.action !== 'error' && user)
      planned.push({ row, person: outcome.value, user, key: entry.target.key });
  }
  // Each row's person first, then its courses' enrollments and its cohorts (same line), in that order.
  const courses = await planRowCourses(deps, context.record, planned, known.courses);
  const cohorts = await planRowCohorts(deps, context.record, planned, known.cohorts);
  for (const { line, entry } of entries) {
    await context.add(entry);
    for (const enrollment of courses.get(line) ?? []) await context.add(enrollment);
    for (const membership of cohorts.get(line) ?? []) await context.add(membership);
  }
}

interface Found {
  byEmail: Map<string, string>;
  byExternalId: Map<string, string>;
  managersByEmail: Map<string, string>;
  managersByExternalId: Map<string, string>;
  current: Map<string, User>;
  now: string;
}

/** One row's entry: who the row is, what it changes, or why it cannot. */
function personEntry(
  record: ImportRecord,
  person: PersonRow,
  row: ReadRow,
  known: Known,
  found: Found,
): Omit<StoredPlanEntry, 'seq'> {
  const refuse = (column: string | null, reason: string) =>
    errorEntry(known.fileName, row.line, column, reason, row.raw, 'user');
  const { columns } = known;
  const { account } = person;
  const firstEmailLine = known.emails.lineOf(person.email);
  if (firstEmailLine !== undefined && firstEmailLine !== row.line)
    return refuse(columns.email, `${person.email} is also on line ${firstEmailLine}: one row per person`);
  for (const { column, value } of person.unique ?? []) {
    const first = known.others.get(column)?.lineOf(value);
    if (first !== undefined && first !== row.line)
      return refuse(column, `the ${column} ${value} is also on line ${first}: one row per person`);
  }
  const externalKey = externalKeyOf(person);
  if (externalKey) {
    const first = known.externalIds.lineOf(externalKey);
    if (first !== undefined && first !== row.line)
      return person.externalId || !account
        ? refuse(columns.externalId, `the external id ${externalKey} is also on line ${first}`)
        : refuse(
            account.column,
            `${externalKey} is also on line ${first}, as the ${columns.externalId} there`,
          );
  }
  const ownerByExternalId = externalKey ? found.byExternalId.get(externalKey) : undefined;
  const ownerByEmail = found.byEmail.get(person.email);
  const renamedFrom = account?.rename.from;
  const ownerByRenamed = renamedFrom ? found.byExternalId.get(renamedFrom) : undefined;
  const ownerByPrevious =
    (person.previousEmail ? found.byEmail.get(person.previousEmail) : undefined) ?? ownerByRenamed;
  const matchedId = ownerByExternalId ?? ownerByPrevious ?? ownerByEmail;
  if (ownerByEmail && matchedId && ownerByEmail !== matchedId)
    return refuse(columns.email, `${person.email} belongs to another person than the row’s external id`);
  const before = matchedId ? found.current.get(matchedId) : undefined;
  if (matchedId && !before) return refuse(null, `the person ${matchedId} changed while planning: plan again`);
  if (!before && person.existing) return refuse(person.existing.column, person.existing.reason);
  if (account) {
    const refusal = accountRefusal(person, account, before, {
      ownerByExternalId,
      ownerByRenamed,
      ownerByEmail,
    });
    if (refusal) return refuse(refusal.column, refusal.reason);
  }

  const departmentId = departmentOf(person.department, known.departments);
  if (departmentId instanceof Error) return refuse(columns.department, departmentId.message);
  const managerId = resolveManager(record, person, known, found);
  if (managerId instanceof Error) return refuse(managerColumn(person, columns), managerId.message);

  if (!before) {
    if (!person.givenName || !person.familyName)
      return refuse(
        person.givenName ? columns.familyName : columns.givenName,
        'a new person needs a given name and a family name',
      );
    const id = plannedUserId(record.id, person.email);
    if (managerId === id)
      return refuse(managerColumn(person, columns), 'a person cannot be their own manager');
    const after: User = {
      id,
      email: person.email,
      givenName: person.givenName,
      familyName: person.familyName,
      departmentId: departmentId ?? null,
      managerId: managerId ?? null,
      jobTitle: person.jobTitle ?? null,
      location: person.location ?? null,
      externalId: externalKey ?? null,
      hireDate: person.hireDate ?? null,
      customAttributes: withAttributes({}, person.customAttributes),
      status: person.status ?? 'active',
      suspendedAt: person.status === 'suspended' ? found.now : null,
      suspensionReason: person.status === 'suspended' ? `Import ${record.fileName}` : null,
      stickyFields: [],
      linkedLogin: null,
      scim: null,
      createdAt: found.now,
      updatedAt: found.now,
      version: 1,
    };
    if (Object.keys(after.customAttributes).length > MAX_CUSTOM_ATTRIBUTES)
      return refuse(null, tooManyAttributes(after));
    return {
      file: known.fileName,
      line: row.line,
      action: 'create',
      target: { kind: 'user', id, key: person.email },
      diffs: diffsOf(null, after),
      write: { op: 'person', before: null, after },
    };
  }

  if (managerId === before.id)
    return refuse(managerColumn(person, columns), 'a person cannot be their own manager');
  const externalId = person.externalId !== undefined ? person.externalId : accountExternalId(before, account);
  const wanted: Partial<User> = {
    email: person.email,
    ...(person.givenName !== undefined ? { givenName: person.givenName } : {}),
    ...(person.familyName !== undefined ? { familyName: person.familyName } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(departmentId !== undefined ? { departmentId } : {}),
    ...(managerId !== undefined ? { managerId } : {}),
    ...(person.jobTitle !== undefined ? { jobTitle: person.jobTitle } : {}),
    ...(person.location !== undefined ? { location: person.location } : {}),
    ...(person.hireDate !== undefined ? { hireDate: person.hireDate } : {}),
    ...(person.customAttributes !== undefined
      ? { customAttributes: withAttributes(before.customAttributes, person.customAttributes) }
      : {}),
  };
  const kept: PlanEntry['diffs'] = {};
  for (const field of STICKY_FIELDS) {
    if (!before.stickyFields.includes(field) || !(field in wanted)) continue;
    if (!same(before[field], wanted[field])) kept[field] = { from: before[field], to: wanted[field] };
    delete wanted[field];
  }
  const suspend = person.status === 'suspended' && before.status === 'active';
  const reactivate = person.status === 'active' && before.status === 'suspended';
  const after: User = {
    ...before,
    ...wanted,
    ...(suspend
      ? { status: 'suspended', suspendedAt: found.now, suspensionReason: `Import ${record.fileName}` }
      : {}),
    ...(reactivate ? { status: 'active', suspendedAt: null, suspensionReason: null } : {}),
  };
  if (Object.keys(after.customAttributes).length > MAX_CUSTOM_ATTRIBUTES)
    return refuse(null, tooManyAttributes(after));
  const diffs = diffsOf(before, after);
  const base = {
    file: known.fileName,
    line: row.line,
    target: { kind: 'user', id: before.id, key: person.email },
    ...(Object.keys(kept).length > 0 ? { kept } : {}),
  };
  if (Object.keys(diffs).length === 0) return { ...base, action: 'unchanged', diffs };
  const changed: User = { ...after, updatedAt: found.now, version: before.version + 1 };
  return {
    ...base,
    action: suspend ? 'suspend' : 'update',
    diffs,
    write: { op: 'person', before, after: changed },
  };
}

/**
 * What the source account (Moodle's username) says against the person found, as Moodle would refuse it:
 * - a person who already holds another account there (one person, one account), unless the row renames
 *   them from it;
 * - a rename whose new account is someone else already, or whose old account is no one;
 * - a person found only because their external id is the account's name, who does not hold that account and
 *   has another email: an id from elsewhere that happens to look the same, not the same person.
 */
function accountRefusal(
  person: PersonRow,
  account: NonNullable<PersonRow['account']>,
  before: User | undefined,
  owners: { ownerByExternalId?: string; ownerByRenamed?: string; ownerByEmail?: string },
): { column: string; reason: string } | undefined {
  const { label } = account;
  const from = account.rename.from;
  if (!before)
    return from
      ? {
          column: account.rename.column,
          reason: `no person is the ${label} ${from}, nor has this row's email: nothing to rename`,
        }
      : undefined;
  const byAccount = person.externalId === undefined ? owners.ownerByExternalId : undefined;
  if (from && byAccount && owners.ownerByRenamed && byAccount !== owners.ownerByRenamed)
    return {
      column: account.rename.column,
      reason: `the ${label} ${account.value} is another person already: ${from} cannot be renamed to it`,
    };
  const held = before.customAttributes[account.attribute];
  if (held !== undefined && held !== account.value && held !== from)
    return from
      ? {
          column: account.rename.column,
          reason: `${before.email} is the ${label} ${held}, not ${from}: nothing to rename`,
        }
      : {
          column: account.column,
          reason: `${before.email} is the ${label} ${held} already: one account per person (to rename, give ${account.rename.column})`,
        };
  const byAccountName = before.id === byAccount || before.id === owners.ownerByRenamed;
  if (
    held === undefined &&
    byAccountName &&
    before.id !== owners.ownerByEmail &&
    before.email !== person.email
  )
    return {
      column: account.column,
      reason: `the external id ${before.externalId} is ${before.email}'s, who is not the ${label} ${account.value}: give the row that person's email`,
    };
  return undefined;
}

/**
 * The external id a row with a source account but no external id gives a person found: the account's name,
 * when the person has no external id or theirs is the account's (old) name; otherwise theirs stays.
 */
function accountExternalId(before: User, account: PersonRow['account']): string | undefined {
  if (!account) return undefined;
  const held = before.customAttributes[account.attribute];
  const follows =
    before.externalId === null ||
    (held !== undefined && before.externalId === held) ||
    (account.rename.from !== undefined && before.externalId === account.rename.from);
  return follows ? account.value : undefined;
}

function tooManyAttributes(person: User): string {
  return `${Object.keys(person.customAttributes).length} custom attributes: a person has at most ${MAX_CUSTOM_ATTRIBUTES}`;
}

/** The sync's other half: a person of its scope whom the feed does not list is suspended. */
function missingFromFeed(record: ImportRecord, person: User, now: string): Omit<StoredPlanEntry, 'seq'> {
  const after: User = {
    ...person,
    status: 'suspended',
    suspendedAt: now,
    suspensionReason: `Not in the HR feed ${record.fileName}`,
    updatedAt: now,
    version: person.version + 1,
  };
  return {
    file: record.fileName,
    line: 0,
    action: 'suspend',
    target: { kind: 'user', id: person.id, key: person.externalId ?? person.email },
    diffs: diffsOf(person, after),
    warnings: ['not in the feed'],
    write: { op: 'person', before: person, after },
  };
}

/**
 * The active people the file speaks for, one page at a time, each given to `visit`; answers how many. A
 * sync feed's scope is a department subtree, or everyone with an external id; an upsert's threshold is
 * measured against everyone active.
 */
async function walkScope(
  deps: PlanDeps,
  record: ImportRecord,
  departments: DepartmentIndex,
  visit: (person: User) => Promise<void>,
): Promise<number> {
  const within = record.options.scopeDepartmentId
    ? departments.subtree(record.options.scopeDepartmentId)
    : undefined;
  if (record.options.scopeDepartmentId && !within)
    throw new ImportFileError('scope', `No department with id ${record.options.scopeDepartmentId} to sync.`);
  let size = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.users.list({ status: 'active' }, { limit: 100, cursor });
    for (const user of page.items) {
      const inScope = within
        ? user.departmentId !== null && within.has(user.departmentId)
        : record.mode !== 'sync' || user.externalId !== null;
      if (!inScope) continue;
      size++;
      await visit(user);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return size;
}

function resolveManager(
  record: ImportRecord,
  person: PersonRow,
  known: Known,
  found: Found,
): string | null | undefined | Error {
  if (person.manager === undefined || person.manager === null) return person.manager;
  if ('email' in person.manager) {
    const existing = found.managersByEmail.get(person.manager.email);
    if (existing) return existing;
    if (known.emails.has(person.manager.email)) return plannedUserId(record.id, person.manager.email);
    return new Error(`no person with the email ${person.manager.email}, in the LMS or in the file`);
  }
  const existing = found.managersByExternalId.get(person.manager.externalId);
  if (existing) return existing;
  return new Error(`no person with the external id ${person.manager.externalId} in the LMS`);
}

function managerColumn(person: PersonRow, columns: Known['columns']): string {
  return person.manager && 'externalId' in person.manager ? columns.managerExternalId : columns.managerEmail;
}

const DIFF_FIELDS = [
  'email',
  'givenName',
  'familyName',
  'externalId',
  'departmentId',
  'managerId',
  'jobTitle',
  'location',
  'hireDate',
  'customAttributes',
  'status',
] as const;

function diffsOf(before: User | null, after: User): PlanEntry['diffs'] {
  const diffs: PlanEntry['diffs'] = {};
  for (const field of DIFF_FIELDS) {
    const from = before ? before[field] : null;
    const to = after[field];
    if (
      before === null &&
      (to === null || (field === 'customAttributes' && Object.keys(to as object).length === 0))
    )
      continue;
    if (!same(from, to)) diffs[field] = { from, to };
  }
  return diffs;
}

function withAttributes(
  current: Record<string, string>,
  changes: Record<string, string | null> | undefined,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

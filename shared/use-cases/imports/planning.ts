/**
 * What the planners share: reading the file a window of rows at a time, the header's checks, and the entry
 * of a refused row.
 */
import type { Department } from '../../domain/department.ts';
import { ImportFileError } from '../../imports/errors.ts';
import type { PersonRow } from '../../imports/people-rows.ts';
import type { RowFormat } from '../../imports/rows.ts';
import type { PlanContext, PlanDeps, StoredPlanEntry } from './ports.ts';

/** Rows looked up together (one BatchGetItem of each kind of record they name). */
export const WINDOW = 100;

/** A row as read: its line, its cells as written, and its cells by lower-cased column name. */
export interface ReadRow {
  line: number;
  raw: string[];
  fields: Map<string, string>;
}

/**
 * Reads the file once, in order: `header` gets the columns (lower-cased, trimmed) before any row, a row the
 * reader could not split is its error entry (naming `target`, what the rows are), and `plan` gets the other
 * rows a window at a time. The cells of `withheld` columns (passwords) are blanked in the row as kept for
 * errors.csv: they are never stored.
 */
export async function inWindows(
  context: PlanContext,
  target: string,
  header: (columns: string[]) => void,
  plan: (rows: readonly ReadRow[]) => Promise<void>,
  withheld: readonly string[] = [],
): Promise<void> {
  let columns: string[] = [];
  let hidden: number[] = [];
  let window: ReadRow[] = [];
  for await (const event of context.open()) {
    if (event.kind === 'header') {
      columns = event.columns.map((column) => column.trim().toLowerCase());
      hidden = columns.flatMap((column, index) => (withheld.includes(column) ? [index] : []));
      header(columns);
      continue;
    }
    context.rowRead();
    if (event.kind === 'row-error') {
      await context.add(errorEntry(context.record.fileName, event.line, null, event.reason, [], target));
      continue;
    }
    const raw =
      hidden.length === 0 ? event.values : event.values.map((value, i) => (hidden.includes(i) ? '' : value));
    window.push({ line: event.line, raw, fields: fieldsOf(columns, event.values) });
    if (window.length >= WINDOW) {
      await plan(window);
      window = [];
    }
  }
  if (window.length > 0) await plan(window);
}

/** A row's cells by column name. */
export function fieldsOf(columns: readonly string[], values: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  columns.forEach((column, index) => {
    fields.set(column, values[index] ?? '');
  });
  return fields;
}

/**
 * The header's warnings (unknown columns, columns ignored on purpose); a header without a column the format
 * cannot do without fails the import, naming it.
 */
export function headerWarnings<T, S>(format: RowFormat<T, S>, columns: readonly string[]): string[] {
  const missing = [
    ...format.required.filter((column) => !columns.includes(column)),
    ...(format.oneOf ?? [])
      .filter((group) => !group.some((column) => columns.includes(column)))
      .map((group) => group.join(' or ')),
  ];
  if (missing.length > 0)
    throw new ImportFileError(
      'columns',
      `The header lacks ${missing.join(', ')}: this format needs ${[...format.required, ...(format.oneOf ?? []).map((group) => group.join(' or '))].join(', ')}. It has: ${columns.join(', ')}.`,
    );
  const warnings: string[] = [];
  const unknown = columns.filter(
    (column) =>
      !format.columns.includes(column) &&
      !format.matches?.(column) &&
      !Object.hasOwn(format.ignored ?? {}, column),
  );
  if (unknown.length > 0)
    warnings.push(`Columns not imported (unknown to this format): ${unknown.join(', ')}.`);
  // Each distinct warning once (Canvas's password and ssha_password share one).
  const ignored = new Set<string>();
  for (const [column, warning] of Object.entries(format.ignored ?? {}))
    if (columns.includes(column)) ignored.add(warning);
  warnings.push(...ignored, ...(format.notes?.(columns) ?? []));
  return warnings;
}

/** The entry of a refused row: its line, the column and why, and the row as written (for errors.csv). */
export function errorEntry(
  file: string,
  line: number,
  column: string | null,
  reason: string,
  raw: string[],
  target: string,
): Omit<StoredPlanEntry, 'seq'> {
  return {
    file,
    line,
    action: 'error',
    target: { kind: target, id: null, key: '' },
    diffs: {},
    error: { column, reason },
    raw,
  };
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Whether two values are the same as JSON (the plan's diffs compare field values so). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every department by id and by its path of names, and the subtree under one. */
export interface DepartmentIndex {
  byId: Map<string, Department>;
  /** `sales/sales emea` (lower case) -> id; a path two departments share maps to null (ambiguous). */
  byPath: Map<string, string | null>;
  /** A name (lower case) -> id; a name two departments share maps to null (ambiguous). */
  byName: Map<string, string | null>;
  subtree(id: string): Set<string> | undefined;
}

export async function departmentIndex(deps: PlanDeps): Promise<DepartmentIndex> {
  const byId = new Map<string, Department>();
  let cursor: string | undefined;
  do {
    const page = await deps.departments.list({}, { limit: 100, cursor });
    for (const department of page.items) byId.set(department.id, department);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const byPath = new Map<string, string | null>();
  const byName = new Map<string, string | null>();
  for (const department of byId.values()) {
    const names = [...department.ancestorIds, department.id].map(
      (id) => byId.get(id)?.name.trim().toLowerCase() ?? '',
    );
    const path = names.join('/');
    byPath.set(path, byPath.has(path) ? null : department.id);
    const name = department.name.trim().toLowerCase();
    byName.set(name, byName.has(name) ? null : department.id);
  }
  return {
    byId,
    byPath,
    byName,
    subtree: (id) => {
      if (!byId.has(id)) return undefined;
      return new Set(
        [...byId.values()].filter((d) => d.id === id || d.ancestorIds.includes(id)).map((d) => d.id),
      );
    },
  };
}

/**
 * The department a row names (its id, its path of names from the top, or a name only one department has);
 * an Error saying why when none or two are so named. `null` and `undefined` (cleared, not given) pass.
 */
export function departmentOf(
  named: PersonRow['department'],
  index: DepartmentIndex,
): string | null | undefined | Error {
  if (named === undefined || named === null) return named;
  if ('id' in named)
    return index.byId.has(named.id) ? named.id : new Error(`no department with id ${named.id}`);
  if ('name' in named) {
    const id = index.byName.get(named.name.toLowerCase());
    if (id === undefined) return new Error(`no department named ${named.name}`);
    if (id === null)
      return new Error(`two departments are named ${named.name}: give its path (Sales/Sales EMEA)`);
    return id;
  }
  const path = named.path.map((name) => name.toLowerCase()).join('/');
  const id = index.byPath.get(path);
  if (id === undefined) return new Error(`no department ${named.path.join(' / ')}`);
  if (id === null) return new Error(`two departments are ${named.path.join(' / ')}: give its id`);
  return id;
}

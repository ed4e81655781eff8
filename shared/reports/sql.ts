/**
 * The engine layer's SQL, shared by both engines: how a report's `:name` parameters become bound `?`
 * placeholders, and the common table expressions put in front of the report's query, one per table it reads,
 * each holding one export run's rows and, for a caller who does not act organisation-wide, only what their
 * scope allows. Only the source of each table differs between the engines (Athena's partition, DuckDB's
 * files); the report's own SQL is the same text in both.
 */
import type { AnalyticsEntityName } from '../analytics/schemas.ts';
import type { ReportColumn, ReportDefinition } from './definition.ts';

export type SqlValue = string | number | boolean | null;

/** A query ready for an engine: the text with `?` placeholders and their values, in order. */
export interface BoundQuery {
  readonly text: string;
  readonly values: readonly SqlValue[];
}

/**
 * Whose rows a caller who does not act organisation-wide (a manager, a learner) sees:
 * their department subtree, and themselves.
 */
export type ReportScope =
  | { readonly kind: 'everything' }
  | { readonly kind: 'limited'; readonly departmentIds: readonly string[]; readonly selfId: string | null };

/**
 * How each exported table is narrowed for a limited scope. Typed over every table, so a new exported entity
 * fails to compile until someone decides who may see it.
 * - `people`: the people table itself: the person's department in the subtree, or the caller
 * - `person`: rows of a person in the scoped `people` (their user_id)
 * - `department`: rows whose `department_id` is in the subtree
 * - `catalog`: everyone may see all of it (courses, cohorts)
 * - `admin`: a limited caller may not read it at all (audit history)
 */
export type TableScope = 'people' | 'person' | 'department' | 'catalog' | 'admin';

export const TABLE_SCOPES: Readonly<Record<AnalyticsEntityName, TableScope>> = {
  people: 'people',
  departments: 'department',
  courses: 'catalog',
  enrollments: 'person',
  completions: 'person',
  attempts: 'person',
  cohorts: 'catalog',
  cohort_members: 'person',
  audit: 'admin',
  business_metrics: 'department',
  content_versions: 'catalog',
  jobs: 'admin',
  imports: 'admin',
  sign_ins: 'person',
};

/** A table's rows for one export run, as an engine reads them: a FROM item and a condition, bound. */
export interface TableSource {
  /** A table or table function (`"lms_analytics"."people"`, `read_parquet('/tmp/x.parquet')`). */
  readonly from: string;
  /** A condition on it (Athena: the run's `dt` partition), with its `?` values. @default none */
  readonly where?: BoundQuery;
}

/** A report refused for the caller's scope (a manager's report reading admin-only tables). */
export class ReportScopeError extends Error {}

/** A definition error: a placeholder with no parameter. Reports are tested, so this is a programming error. */
export class ReportSqlError extends Error {}

/**
 * The report's query with its table expressions in front, bound: the text `WITH people AS (...), ... <sql>`
 * and the values of every `?` in the order they appear.
 */
export function composeReportQuery(
  report: Pick<ReportDefinition, 'name' | 'tables' | 'sql'>,
  params: Readonly<Record<string, unknown>>,
  scope: ReportScope,
  source: (table: AnalyticsEntityName) => TableSource,
): BoundQuery {
  const tables = new Set(report.tables);
  if (scope.kind === 'limited') {
    const adminOnly = [...tables].filter((table) => TABLE_SCOPES[table] === 'admin');
    if (adminOnly.length > 0)
      throw new ReportScopeError(
        `The report ${report.name} reads ${adminOnly.join(', ')}, which only administrators may read.`,
      );
    // Person-scoped tables are narrowed to the scoped people: they need that table in front of them.
    if ([...tables].some((table) => TABLE_SCOPES[table] === 'person')) tables.add('people');
  }
  const expressions: string[] = [];
  const values: SqlValue[] = [];
  // `people` first: the person-scoped tables refer to it.
  const ordered = [...tables].sort((a, b) => Number(b === 'people') - Number(a === 'people'));
  for (const table of ordered) {
    const { from, where } = source(table);
    const conditions: string[] = [];
    if (where) {
      conditions.push(`(${where.text})`);
      values.push(...where.values);
    }
    if (scope.kind === 'limited') {
      const narrowed = scopeCondition(table, scope);
      conditions.push(narrowed.text);
      values.push(...narrowed.values);
    }
    const filter = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    expressions.push(`${table} AS (SELECT * FROM ${from}${filter})`);
  }
  const bound = bindParameters(report.sql, params);
  const withClause = /^\s*WITH\s/i.exec(bound.text);
  const text = withClause
    ? `WITH ${expressions.join(',\n')},\n${bound.text.slice(withClause[0].length)}`
    : `WITH ${expressions.join(',\n')}\n${bound.text}`;
  return { text: expressions.length > 0 ? text : bound.text, values: [...values, ...bound.values] };
}

function scopeCondition(
  table: AnalyticsEntityName,
  scope: Extract<ReportScope, { kind: 'limited' }>,
): BoundQuery {
  const departments = placeholders(scope.departmentIds);
  switch (TABLE_SCOPES[table]) {
    case 'people':
      return {
        text: `(department_id IN (${departments.text}) OR user_id = ?)`,
        values: [...departments.values, scope.selfId],
      };
    case 'department':
      return { text: `department_id IN (${departments.text})`, values: departments.values };
    case 'person':
      // The CTE `people` above (already narrowed), not the table: the name resolves to the nearer one.
      return { text: 'user_id IN (SELECT user_id FROM people)', values: [] };
    case 'catalog':
      return { text: 'TRUE', values: [] };
    case 'admin':
      throw new ReportScopeError(`Only administrators may read ${table}.`);
  }
}

/** `?, ?, ?` for a list; an empty list is `NULL`, so `x IN (NULL)` holds for nothing. */
function placeholders(list: readonly SqlValue[]): BoundQuery {
  if (list.length === 0) return { text: 'NULL', values: [] };
  return { text: list.map(() => '?').join(', '), values: list };
}

/**
 * Replaces each `:name` of `sql` (outside quotes and comments) by `?` (a list by `?, ?, ...`) and returns the
 * values in order. An absent or undefined parameter binds NULL; a name the SQL uses but `params` does not
 * declare is still bound (NULL), so optional parameters read `(:x IS NULL OR ...)`.
 */
export function bindParameters(sql: string, params: Readonly<Record<string, unknown>>): BoundQuery {
  let text = '';
  const values: SqlValue[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (char === "'" || char === '"') {
      const end = closingQuote(sql, i, char);
      text += sql.slice(i, end);
      i = end;
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop;
    } else if (char === ':' && sql[i + 1] === ':') {
      throw new ReportSqlError('`::` casts are DuckDB only: write CAST(x AS type), which Athena runs too.');
    } else if (char === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] as string;
      const value = params[name];
      if (Array.isArray(value)) {
        const list = placeholders(value.map(sqlValue));
        text += list.text;
        values.push(...list.values);
      } else {
        text += '?';
        values.push(sqlValue(value));
      }
      i += name.length + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  return { text, values };
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  throw new ReportSqlError(`A quote opened at offset ${start} of the report's SQL is never closed.`);
}

function sqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  throw new ReportSqlError(`A report parameter must be a string, number, boolean or a list of them.`);
}

/** The query's columns must be the report's, in order: a row is read by the declared names. */
export function assertColumns(
  report: Pick<ReportDefinition, 'name' | 'columns'>,
  answered: readonly string[],
): void {
  const declared = report.columns.map((column) => column.name);
  if (declared.join(',') !== answered.join(','))
    throw new ReportSqlError(
      `The report ${report.name} answers with columns ${answered.join(', ')}, but declares ${declared.join(', ')}.`,
    );
}

/**
 * A row as both engines give it back, in the report's column types: Athena returns every value as text,
 * DuckDB as its own types (BIGINT as bigint, TIMESTAMP as `2026-01-02 10:00:00`). Integers and numbers
 * become numbers, dates `YYYY-MM-DD`, timestamps ISO 8601 in UTC, booleans booleans.
 */
export function reportRow(
  columns: readonly ReportColumn[],
  raw: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean | null> {
  const row: Record<string, string | number | boolean | null> = {};
  for (const column of columns) row[column.name] = columnValue(column, raw[column.name]);
  return row;
}

function columnValue(column: ReportColumn, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer':
    case 'number': {
      const number = Number(value);
      if (!Number.isFinite(number))
        throw new ReportSqlError(`Column ${column.name}: ${String(value)} is not a number.`);
      return column.type === 'integer' ? Math.round(number) : number;
    }
    case 'boolean':
      return value === true || value === 'true';
    case 'date':
      return String(value).slice(0, 10);
    case 'timestamp': {
      // `2026-01-02 10:00:00.000` (Athena) or `2026-01-02 10:00:00` (DuckDB): both UTC.
      const text = String(value).replace(' ', 'T');
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
      if (Number.isNaN(date.getTime()))
        throw new ReportSqlError(`Column ${column.name}: ${String(value)} is not a timestamp.`);
      return date.toISOString();
    }
    case 'string':
      return String(value);
  }
}

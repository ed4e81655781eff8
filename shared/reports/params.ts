/**
 * Parameters reports share, so each one is spelled and checked alike: a period of at most five years
 * (longer ranges are refused naming `params.to`), a department (its subtree is included), a course.
 */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime } from '../domain/common.ts';

/** The longest period a report may cover: five years. */
export const MAX_PERIOD_DAYS = 5 * 366;

const DAY_MS = 86_400_000;

export const periodFields = {
  from: IsoDate.describe('First day of the period (inclusive)'),
  to: IsoDate.describe('Last day of the period (inclusive); at most five years after `from`'),
};

/** How completions and spend are bucketed over time. */
export const Granularity = z.enum(['month', 'quarter', 'year']);

/** `department`: that department and every department under it. */
export const departmentField = Id.optional().describe('Only this department and those under it');
export const courseField = Id.optional().describe('Only this course');

/**
 * `asOf`: the moment a report judges "now" at (overdue, expired). Absent, the engine binds the export's time
 * (`withExportTime`), so an answer depends on its data and parameters only, never on when it runs.
 */
export const asOfField = IsoDateTime.optional().describe(
  "The moment statuses are judged at (UTC). Default: the export's time",
);

/** `:asOf` as a TIMESTAMP in both engines: Trino's CAST reads `2026-06-30 12:00:00.000`, not ISO's `T`/`Z`. */
export const AS_OF_SQL = "CAST(replace(replace(:asOf, 'T', ' '), 'Z', '') AS TIMESTAMP)";

/**
 * A report's parameters with a period: an object of `fields`, refused when `to` is before `from` or more than
 * five years after it.
 */
export function withPeriod<Shape extends z.ZodRawShape>(fields: Shape) {
  return z.strictObject({ ...periodFields, ...fields }).superRefine((params, context) => {
    const { from, to } = params as { from: string; to: string };
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (days > MAX_PERIOD_DAYS)
      context.addIssue({ code: 'custom', path: ['to'], message: 'a period is at most 5 years long' });
  });
}

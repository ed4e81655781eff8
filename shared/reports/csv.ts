/**
 * A report run as CSV, for a spreadsheet: a header of the columns' titles, then one line per row, through the
 * project's CSV writer (RFC 4180 quoting; text cells that a spreadsheet would run as a formula start with a
 * `'`). Figures stay numbers; a UTF-8 byte order mark first, so Excel reads accents right.
 */
import { csvLine } from '../imports/csv-write.ts';
import type { ReportColumn } from './definition.ts';
import type { ReportOutcome } from './engine.ts';

/**
 * @example
 * reportCsv([{ name: 'course_title', title: 'Course', type: 'string' }], [{ course_title: '=1+1' }])
 * // => "\uFEFFCourse\r\n'=1+1\r\n"
 */
export function reportCsv(columns: readonly ReportColumn[], rows: ReportOutcome['rows']): string {
  const lines = [`\uFEFF${csvLine(columns.map((column) => column.title))}`];
  for (const row of rows) lines.push(csvLine(columns.map((column) => csvValue(row[column.name]))));
  return lines.join('');
}

function csvValue(value: string | number | boolean | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

/**
 * Writing CSV that people open in a spreadsheet (an import's errors.csv): RFC 4180 quoting, and cells that a
 * spreadsheet would run as a formula made plain text.
 */

/**
 * A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets (CSV injection):
 * `=`, `+`, `-`, `@`, tab and carriage return, as OWASP's CSV Injection page lists them, and NUL, which OWASP
 * ASVS 5.0 (V1.2.10) adds.
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/** A field holding one of these must be quoted (RFC 4180, 2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV line, ending with CRLF (RFC 4180). A cell that would start a formula gets a leading single quote, which
 * spreadsheets show as text (OWASP's advice); then a cell holding a quote, comma or line break is quoted, its
 * quotes doubled.
 *
 * @example
 * csvLine(['3', '=HYPERLINK("http://x")', 'Expected 4 fields, found 3.'])
 * // => `3,"'=HYPERLINK(""http://x"")","Expected 4 fields, found 3."\r\n`
 *
 * A number (a report's figure) is written as it is: `-3` is a number, not a formula, and must stay one.
 */
export function csvLine(values: readonly (string | number)[]): string {
  return `${values.map((value) => (typeof value === 'number' ? String(value) : csvCell(value))).join(',')}\r\n`;
}

function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

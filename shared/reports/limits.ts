/**
 * How much one report run may read and answer. The scan cutoff is one figure in both places that enforce it:
 * the run request's pre-check (the sizes of the export files the report reads) and, in AWS, the Athena
 * workgroup's bytes-scanned cutoff, which CDK sets from the same setting. Both refuse with the same error.
 */
import { BusinessRuleError } from '../domain/errors.ts';

/** The setting that overrides the scan cutoff, in bytes (CDK reads it too). */
export const REPORT_MAX_SCAN_BYTES_SETTING = 'LMS_REPORT_MAX_SCAN_BYTES';

/** 10 GiB: far beyond a day's export of a large organisation, far below a bill anyone would miss. */
export const DEFAULT_REPORT_MAX_SCAN_BYTES = 10 * 1024 ** 3;

/** The most rows one run keeps (its JSON pages, CSV and chart): a report asked for more is refused. */
export const REPORT_MAX_ROWS = 100_000;

/** The scan cutoff: `LMS_REPORT_MAX_SCAN_BYTES` when set to a positive whole number, else 10 GiB. */
export function reportMaxScanBytes(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env[REPORT_MAX_SCAN_BYTES_SETTING]);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_REPORT_MAX_SCAN_BYTES;
}

/** A report that would read more than the cutoff: refused before it starts, or cancelled by Athena. */
export class ReportScanLimitError extends BusinessRuleError {
  readonly code = 'scan-limit';
  constructor(report: string, bytes: number | null, limit: number) {
    super(
      `The report ${report} would read ${bytes === null ? 'more than the limit' : `${bytes} bytes`}, above the ${limit} bytes one report may scan (${REPORT_MAX_SCAN_BYTES_SETTING}): narrow its period or department, or raise the limit.`,
    );
  }
}

/** A report whose answer has more rows than a run keeps. */
export class ReportTooManyRowsError extends BusinessRuleError {
  readonly code = 'too-many-rows';
  constructor(report: string, rows: number) {
    super(
      `The report ${report} answered with more than ${REPORT_MAX_ROWS} rows (${rows} read): narrow its period, department or course.`,
    );
  }
}

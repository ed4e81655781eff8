/**
 * Limits of report runs, shared by the use case (its pre-check on the bytes a report's tables hold) and CDK
 * (the Athena workgroup's `BytesScannedCutoffPerQuery`), so a query Athena would cancel is refused before it
 * starts, with the same figure.
 */

/** The most bytes one report query may scan: 10 GiB. Athena cancels a query past it (and bills what it read). */
export const REPORT_MAX_SCAN_BYTES = 10 * 1024 ** 3;

/**
 * Business metrics: a figure a department reports for a period (safety incidents in a quarter, sales in a
 * month), imported from a CSV so the ROI reports can set it beside training completion. One figure per
 * department, metric and period: importing it again replaces the value.
 */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime } from './common.ts';

/** A metric's name: lower case, so `Incidents` and `incidents` are one metric. */
export const MetricName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a letter, then letters, digits, _ . or -, at most 64');

/** What the value counts: `incidents`, `EUR`, `%`. */
export const MetricUnit = z
  .string()
  .trim()
  .min(1)
  .max(32)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');

/** The largest magnitude a value may have: far beyond any department's figure, well inside a double's integers. */
export const MAX_METRIC_VALUE = 1e15;

export const MetricValue = z.number().min(-MAX_METRIC_VALUE).max(MAX_METRIC_VALUE);

/** The longest period one figure may cover: a year (a leap year's 366 days). */
export const MAX_METRIC_PERIOD_DAYS = 366;

export const BusinessMetric = z
  .object({
    departmentId: Id,
    metric: MetricName,
    unit: MetricUnit,
    /** First and last day of the period the figure is for, inclusive. */
    periodStart: IsoDate,
    periodEnd: IsoDate,
    value: MetricValue,
    /** The import that wrote it last. */
    importId: Id,
    importedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'BusinessMetric' });
export type BusinessMetric = z.infer<typeof BusinessMetric>;

/**
 * How a figure is named in plans, maps and its audit target (`business-metric:<key>`): its department,
 * metric and period, `:`-separated.
 */
export function businessMetricKey(
  metric: Pick<BusinessMetric, 'departmentId' | 'metric' | 'periodStart' | 'periodEnd'>,
): string {
  return `${metric.departmentId}:${metric.metric}:${metric.periodStart}:${metric.periodEnd}`;
}

/**
 * Business metrics files (`type: business-metrics`, `format: lms`): one figure a row, a department's value
 * of a metric for a period (docs/imports.md). Each cell is checked alone and a refusal names its column;
 * whether the department exists, and what the row changes, is the planner's to say.
 */
import * as z from 'zod';
import { MAX_METRIC_PERIOD_DAYS, MetricName, MetricUnit, MetricValue } from '../domain/business-metric.ts';
import { day } from './course-formats.ts';
import { departmentRef } from './people-formats.ts';
import type { PersonRow } from './people-rows.ts';
import { CellError, cell, checked, type RowFormat, reading } from './rows.ts';

export interface BusinessMetricRow {
  /** The department as written: its id, or its path of names from the top (`Sales/Sales EMEA`). */
  department: NonNullable<PersonRow['department']>;
  metric: string;
  unit: string;
  periodStart: string;
  periodEnd: string;
  value: number;
}

/** A plain decimal number (`1250.5`, `-3`): no thousands separators, no currency signs, no exponents. */
const Decimal = z
  .string()
  .regex(/^-?\d{1,16}(\.\d{1,6})?$/)
  .transform(Number)
  .pipe(MetricValue);

const DAY_MS = 86_400_000;

/**
 * Columns: `department` (an id or a path of names from the top), `metric` (`incidents`, `sales`: a letter,
 * then letters, digits, `_ . -`; any case), `unit` (`incidents`, `EUR`, `%`), `period_start` and `period_end`
 * (the first and last day, inclusive; at most a year apart), `value` (a decimal number with a point).
 */
export const lmsBusinessMetrics: RowFormat<BusinessMetricRow> = {
  columns: ['department', 'metric', 'unit', 'period_start', 'period_end', 'value'],
  required: ['department', 'metric', 'unit', 'period_start', 'period_end', 'value'],
  row(fields, context) {
    return reading(() => {
      const value = (column: string) => {
        const text = cell(fields, column, 'upsert');
        if (!text) throw new CellError(column, `the ${column.replace('_', ' ')} is required`);
        return text;
      };
      const department = departmentRef(value('department')) as BusinessMetricRow['department'];
      const metric = checked(
        MetricName,
        'metric',
        value('metric'),
        'a metric name (a letter, then letters, digits, _ . or -, at most 64)',
      );
      const unit = checked(MetricUnit, 'unit', value('unit'), 'a unit of at most 32 characters');
      const periodStart = day('period_start', value('period_start'), context);
      const periodEnd = day('period_end', value('period_end'), context);
      const days = (Date.parse(periodEnd) - Date.parse(periodStart)) / DAY_MS;
      if (days < 0)
        throw new CellError('period_end', `the period ends (${periodEnd}) before it starts (${periodStart})`);
      if (days >= MAX_METRIC_PERIOD_DAYS)
        throw new CellError('period_end', `a period is at most ${MAX_METRIC_PERIOD_DAYS} days long`);
      const figure = checked(
        Decimal,
        'value',
        value('value'),
        'a number such as 1250.5 (a point for decimals, no thousands separators)',
      );
      return { department, metric, unit, periodStart, periodEnd, value: figure };
    });
  },
};

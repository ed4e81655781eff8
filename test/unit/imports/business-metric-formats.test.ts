/**
 * The business metrics format: the sample docs/imports.md points to reads as the figures it describes, and
 * each cell the format refuses is named by its column, with a reason.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ImportOptions } from '../../../shared/domain/import.ts';
import { lmsBusinessMetrics } from '../../../shared/imports/business-metric-formats.ts';
import { fieldsOf } from '../../../shared/use-cases/imports/planning.ts';

const context = { mode: 'upsert' as const, options: ImportOptions.parse({ dateOrder: 'dmy' }) };
const GOOD = {
  department: 'Operations',
  metric: 'incidents',
  unit: 'incidents',
  period_start: '2026-01-01',
  period_end: '2026-03-31',
  value: '14',
};
const row = (cells: Record<string, string>) =>
  lmsBusinessMetrics.row(new Map(Object.entries(cells)), context);

describe('business metrics (ours)', () => {
  it('reads docs/samples/business-metrics.csv as its three figures', async () => {
    const [header, ...lines] = (await readFile('docs/samples/business-metrics.csv', 'utf8'))
      .trim()
      .split('\n');
    const columns = (header ?? '').split(',');

    const rows = lines.map((line) => lmsBusinessMetrics.row(fieldsOf(columns, line.split(',')), context));

    expect(rows.map((read) => (read.ok ? read.value : read))).toEqual([
      {
        department: { path: ['Operations'] },
        metric: 'incidents',
        unit: 'incidents',
        periodStart: '2026-01-01',
        periodEnd: '2026-03-31',
        value: 14,
      },
      expect.objectContaining({ periodStart: '2026-04-01', value: 9 }),
      expect.objectContaining({
        department: { path: ['Sales', 'Sales EMEA'] },
        metric: 'sales',
        unit: 'EUR',
        value: 1_250_000.5,
      }),
    ]);
  });

  it('reads dates as the import says they are written, and a metric in any case', () => {
    const read = row({ ...GOOD, metric: 'Lost-Days', period_start: '01/04/2026', period_end: '30/06/2026' });

    expect(read).toMatchObject({
      ok: true,
      value: { metric: 'lost-days', periodStart: '2026-04-01', periodEnd: '2026-06-30' },
    });
  });

  it.each([
    [
      { metric: '9lives' },
      'metric',
      '"9lives" is not a metric name (a letter, then letters, digits, _ . or -, at most 64)',
    ],
    [{ unit: 'x'.repeat(33) }, 'unit', `"${'x'.repeat(33)}" is not a unit of at most 32 characters`],
    [{ period_end: '2027-01-02' }, 'period_end', 'a period is at most 366 days long'],
    [
      { value: '12 EUR' },
      'value',
      '"12 EUR" is not a number such as 1250.5 (a point for decimals, no thousands separators)',
    ],
    [
      { value: '1e3' },
      'value',
      '"1e3" is not a number such as 1250.5 (a point for decimals, no thousands separators)',
    ],
    [{ department: '' }, 'department', 'the department is required'],
  ])('refuses %j in %s', (cells, column, reason) => {
    expect(row({ ...GOOD, ...cells })).toEqual({ ok: false, column, reason });
  });
});

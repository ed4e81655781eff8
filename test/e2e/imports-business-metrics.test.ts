/**
 * Business metrics files over HTTP, as an administrator's script runs them: upload, plan (each figure
 * created, replaced or unchanged; refused cells named by line and column), apply (one figure per
 * department, metric and period, audited), a second file replacing a value, and undo putting it back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { DynamoBusinessMetricBulk } from '../../shared/store/business-metric-bulk.ts';
import { uniqueName } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';
import { importWhen, planOf, uploadImport } from '../support/imports.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

const until = (id: string, statuses: readonly string[]) => importWhen(admin, id, statuses);
const HEADER = 'department,metric,unit,period_start,period_end,value';

async function department(name: string, parentId: string | null = null): Promise<string> {
  const created = await api('POST', '/departments', { token: admin, body: { name, parentId } });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

async function run(id: string, step: 'apply' | 'undo', done: string) {
  const started = await api('POST', `/imports/${id}/${step}`, { token: admin });
  expect(started.status, started.text).toBe(202);
  return until(id, [done, 'failed']);
}

/** The stored figures of one department's metric for these quarters, by period start. */
async function figures(departmentId: string, metric: string, periods: [string, string][]) {
  const bulk = new DynamoBusinessMetricBulk(dynamoDb(), requireSetting('tableName'));
  const found = await bulk.current(
    periods.map(([periodStart, periodEnd]) => ({ departmentId, metric, periodStart, periodEnd })),
  );
  return Object.fromEntries([...found.values()].map((figure) => [figure.periodStart, figure.value]));
}

describe('a business metrics file: upload, plan, apply, replace, undo', () => {
  it('stores one figure per department, metric and period, a second file replaces it, and undo puts it back', async () => {
    // Prepare: a department tree named by path, and another by id
    const top = uniqueName('Region');
    const topId = await department(top);
    // Its own name: tests on the shared stack find the seeded Sales by name.
    const sales = uniqueName('Field sales');
    const salesId = await department(sales, topId);
    const opsId = await department(uniqueName('Operations'));
    const q1: [string, string] = ['2026-01-01', '2026-03-31'];
    const q2: [string, string] = ['2026-04-01', '2026-06-30'];
    const file = [
      HEADER,
      `${top}/${sales},Incidents,incidents,2026-01-01,2026-03-31,12`,
      `${opsId},incidents,incidents,2026-01-01,2026-03-31,4.5`,
      `${top}/${sales},incidents,incidents,2026-04-01,2026-06-30,8`,
      `${top}/Nowhere,incidents,incidents,2026-01-01,2026-03-31,1`,
      `${top}/${sales},incidents,incidents,2026-01-01,2026-03-31,13`,
      `${opsId},incidents,incidents,2026-03-31,2026-01-01,2`,
      `${opsId},incidents,incidents,2026-07-01,2026-09-30,"1,200"`,
      `${opsId},incidents,,2026-07-01,2026-09-30,3`,
    ].join('\n');

    // Act: upload and plan
    const id = await uploadImport(admin, file, {
      type: 'business-metrics',
      format: 'lms',
      fileName: 'metrics.csv',
    });
    const planned = await until(id, ['planned', 'failed']);

    // Assess: one entry per row, in file order, each refusal naming its column
    expect(planned.status, JSON.stringify(planned.failure)).toBe('planned');
    expect(planned.counts).toMatchObject({ create: 3, error: 5 });
    const entries = await planOf(admin, id);
    expect(entries.map((entry) => [entry.line, entry.action, entry.error?.column ?? null])).toEqual([
      [2, 'create', null],
      [3, 'create', null],
      [4, 'create', null],
      [5, 'error', 'department'],
      [6, 'error', 'metric'],
      [7, 'error', 'period_end'],
      [8, 'error', 'value'],
      [9, 'error', 'unit'],
    ]);
    expect(entries[0]?.diffs).toEqual({
      value: { from: null, to: 12 },
      unit: { from: null, to: 'incidents' },
    });
    expect(entries.slice(3).map((entry) => entry.error?.reason)).toEqual([
      `no department ${top} / Nowhere`,
      'incidents of this department for 2026-01-01 to 2026-03-31 is on line 2 already: one row per department, metric and period',
      'the period ends (2026-01-01) before it starts (2026-03-31)',
      '"1,200" is not a number such as 1250.5 (a point for decimals, no thousands separators)',
      'the unit is required',
    ]);

    // Act: apply
    const applied = await run(id, 'apply', 'applied');

    // Assess
    expect(applied.status, JSON.stringify(applied.failure)).toBe('applied');
    expect(applied.applied).toMatchObject({ done: 3, conflicts: 0 });
    expect(await figures(salesId, 'incidents', [q1, q2])).toEqual({ '2026-01-01': 12, '2026-04-01': 8 });
    expect(await figures(opsId, 'incidents', [q1])).toEqual({ '2026-01-01': 4.5 });
    const trail = await api(
      'GET',
      `/audit?target=business-metric:${salesId}:incidents:2026-01-01:2026-03-31`,
      {
        token: admin,
      },
    );
    expect(trail.json.items.map((record: { action: string }) => record.action)).toEqual([
      'business-metric.created',
    ]);

    // Act: a corrected figure for Sales' first quarter, the others as they were
    const again = await uploadImport(
      admin,
      [
        HEADER,
        `${salesId},incidents,incidents,2026-01-01,2026-03-31,11`,
        `${opsId},incidents,incidents,2026-01-01,2026-03-31,4.5`,
      ].join('\n'),
      { type: 'business-metrics', format: 'lms', fileName: 'metrics.csv' },
    );
    expect((await until(again, ['planned', 'failed'])).counts).toMatchObject({ update: 1, unchanged: 1 });
    expect((await planOf(admin, again))[0]?.diffs).toEqual({ value: { from: 12, to: 11 } });
    expect((await run(again, 'apply', 'applied')).status).toBe('applied');

    // Assess: replaced, not added
    expect(await figures(salesId, 'incidents', [q1, q2])).toEqual({ '2026-01-01': 11, '2026-04-01': 8 });

    // Act: undo the correction, then the first file
    expect((await run(again, 'undo', 'undone')).status).toBe('undone');
    const firstQuarter = await figures(salesId, 'incidents', [q1]);
    expect((await run(id, 'undo', 'undone')).status).toBe('undone');

    // Assess: the correction's undo put 12 back; the first file's undo removed what it created
    expect(firstQuarter).toEqual({ '2026-01-01': 12 });
    expect(await figures(salesId, 'incidents', [q1, q2])).toEqual({});
    expect(await figures(opsId, 'incidents', [q1])).toEqual({});
  });

  it('is for administrators: a machine client with every scope is refused', async () => {
    const token = await machineToken(uniqueName('Metrics feed'), [
      'lms/users.write',
      'lms/enrollments.write',
    ]);

    const refused = await api('POST', '/imports', {
      token,
      body: { type: 'business-metrics', format: 'lms', fileName: 'metrics.csv', sizeBytes: 10 },
    });

    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.detail).toBe(
      'Importing business metrics is for administrators: they feed the ROI reports, and no machine-client scope writes them.',
    );
  });

  it('refuses a business metrics file in a format other than ours, naming the type', async () => {
    const refused = await api('POST', '/imports', {
      token: admin,
      body: { type: 'business-metrics', format: 'moodle', fileName: 'metrics.csv', sizeBytes: 10 },
    });

    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.errors).toEqual([
      { path: 'body.type', message: 'a moodle file carries people, courses' },
    ]);
  });
});

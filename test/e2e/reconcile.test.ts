/**
 * Reconciliation over HTTP, as an administrator uses it: an export runs, then people change on purpose (one
 * created in a department, one moved in, one moved out); GET /reports/reconcile?entity=people names each
 * difference "changed after the export" with its counts and the people, and leaves out a department whose
 * counts still agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { exportNow } from '../support/analytics-export.ts';
import { api, tokenFor } from '../support/http.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

async function department(): Promise<string> {
  const created = await api('POST', '/departments', {
    token: admin,
    body: { name: uniqueName('Reconciled') },
  });
  expect(created.status).toBe(201);
  return created.json.id;
}

async function person(departmentId: string): Promise<{ id: string; version: number }> {
  const created = await api('POST', '/users', {
    token: admin,
    body: { email: uniqueEmail('recon'), givenName: 'Robin', familyName: 'Count', departmentId },
  });
  expect(created.status).toBe(201);
  return { id: created.json.id, version: created.json.version };
}

async function move(who: { id: string; version: number }, departmentId: string): Promise<void> {
  const moved = await api('PATCH', `/users/${who.id}`, {
    token: admin,
    body: { departmentId },
    headers: { 'if-match': `"${who.version}"` },
  });
  expect(moved.status).toBe(200);
}

describe('GET /reports/reconcile', () => {
  it('names the changes made after the export, per department, with their counts', async () => {
    // Prepare: two departments of one person each, exported
    const sales = await department();
    const support = await department();
    const leaver = await person(sales);
    const joiner = await person(support);
    const run = await exportNow(admin);

    // Act: after the export, one person created in sales, one moved into sales, one moved out of it
    const newcomer = await person(sales);
    await move(joiner, sales);
    await move(leaver, support);
    const reconciled = await api('GET', '/reports/reconcile?entity=people', { token: admin });

    // Assess
    expect(reconciled.status).toBe(200);
    expect(reconciled.json).toMatchObject({
      entity: 'people',
      groupedBy: 'department',
      exportRunId: run.manifest.runId,
      exportedAt: run.manifest.exportedAt,
    });
    const salesGroup = reconciled.json.differences.find(
      (group: { groupId: string }) => group.groupId === sales,
    );
    expect(salesGroup).toMatchObject({ exported: 1, live: 2, difference: 1 });
    expect(
      [...salesGroup.causes].sort((a: { change: string }, b: { change: string }) =>
        a.change.localeCompare(b.change),
      ),
    ).toEqual([
      { cause: 'changed-after-export', change: 'created', count: 1, examples: [newcomer.id] },
      { cause: 'changed-after-export', change: 'moved in', count: 1, examples: [joiner.id] },
      { cause: 'changed-after-export', change: 'moved out', count: -1, examples: [leaver.id] },
    ]);
    // Support: one out, one in: the counts agree, so it is not a difference
    expect(reconciled.json.differences.some((group: { groupId: string }) => group.groupId === support)).toBe(
      false,
    );
    expect(reconciled.json.filters.map((filter: { filter: string }) => filter.filter)).toEqual([
      'suspended',
      'no-department',
    ]);
  });

  it('refuses an unknown entity naming query.entity, and anyone but an admin', async () => {
    const bad = await api('GET', '/reports/reconcile?entity=cohorts', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((error: { path: string }) => error.path)).toEqual(['query.entity']);
    const manager = await api('GET', '/reports/reconcile?entity=people', {
      token: await tokenFor('manager@example.com'),
    });
    expect(manager.status).toBe(403);
  });
});

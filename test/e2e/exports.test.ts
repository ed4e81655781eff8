/**
 * The analytics export over HTTP, as an administrator runs it: POST /exports queues a run (the exports queue
 * hands it to the worker), GET /jobs/{id} follows it, GET /exports lists it with its manifest's counts. The
 * daily schedule requests the same run, and a run never overlaps itself.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { analyticsExport } from '../../shared/jobs/manifest.ts';
import { exportFinished, noExportUnderWay, readExportedRun } from '../support/analytics-export.ts';
import { api, tokenFor } from '../support/http.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

describe('POST /exports, GET /exports', () => {
  it('runs an export on request and lists it, newest first, with its counts; a second request meanwhile is a 409', async () => {
    // Prepare
    await noExportUnderWay(admin);

    // Act: two requests at once
    const [a, b] = await Promise.all([
      api('POST', '/exports', { token: admin }),
      api('POST', '/exports', { token: admin }),
    ]);

    // Assess: one queued, one refused naming it
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    expect(accepted.json).toMatchObject({ type: 'export', status: 'queued' });
    expect(accepted.headers.get('location')).toBe(`/jobs/${accepted.json.id}`);
    expect(refused.json.detail).toContain(accepted.json.id);

    const done = await exportFinished(admin, accepted.json.id);
    expect(done).toMatchObject({ status: 'succeeded', failure: null });
    const listed = await api('GET', '/exports?limit=5', { token: admin });
    expect(listed.status).toBe(200);
    const run = listed.json.items[0];
    expect(run).toMatchObject({
      id: accepted.json.id,
      status: 'succeeded',
      dt: new Date().toISOString().slice(0, 10),
    });
    // The seeded organisation is there (the shared table holds other tests' data too, so at least)
    expect(run.rows.people).toBeGreaterThanOrEqual(1);
    expect(run.rows.people + (run.omitted.people?.erased ?? 0)).toBe(run.tableCounts.people);
    const exported = await readExportedRun(run.id);
    expect(exported.manifest.files.people?.rows).toBe(run.rows.people);
    expect(exported.rows.people?.some((row) => row.email === 'admin@example.com')).toBe(true);

    // Assess: only admins
    const learner = await api('GET', '/exports', { token: await tokenFor('manager@example.com') });
    expect(learner.status).toBe(403);
  });

  it('the daily schedule requests a run the worker runs, as POST /exports does', async () => {
    // Prepare
    await noExportUnderWay(admin);

    // Act: the schedule's tick, as EventBridge (or npm run job -- export) delivers it
    const load = handlerLoader<(event: Partial<ScheduledEvent>) => Promise<{ id: string }>>(PROJECT_ROOT);
    const requested = await (await load(analyticsExport.handler))({ time: new Date().toISOString() });

    // Assess
    expect(await exportFinished(admin, requested.id)).toMatchObject({
      status: 'succeeded',
      createdBy: `job:${analyticsExport.name}`,
    });
    const listed = await api('GET', '/exports', { token: admin });
    expect(listed.json.items[0]).toMatchObject({
      id: requested.id,
      requestedBy: `job:${analyticsExport.name}`,
    });
  });
});

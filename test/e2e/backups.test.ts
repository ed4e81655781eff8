/**
 * Backups over HTTP, as an administrator runs them (issue 14): take a backup (the worker runs it from the
 * backups queue), list it complete, drill it, restore it into a new table, refuse an in-place restore without
 * its typed confirmation and run one with it (a backup of the current state first), and read the backups'
 * status, also in /health/detail. The daily and weekly jobs request the same runs.
 */
import { DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { dynamoDbClient } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { backup as backupJob, drill as drillJob } from '../../shared/jobs/manifest.ts';
import { uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';

const admin = () => tokenFor('admin@example.com');

/** Waits for a run to end (the local queues run it in the gateway's process). */
async function finished(jobId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await api('GET', `/jobs/${jobId}`, { token: await admin() });
    if (job.json?.status === 'succeeded' || job.json?.status === 'failed') return job.json;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.json?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function restoreTables(): Promise<string[]> {
  const { TableNames } = await dynamoDbClient().send(new ListTablesCommand({}));
  return (TableNames ?? []).filter((name) => name.startsWith(`${requireSetting('tableName')}-restore-`));
}

describe('backups over HTTP', () => {
  let backupId = '';

  it('POST /backups runs a backup: listed complete, with its manifest; an overlapping request is a 409 naming the run', async () => {
    // Act
    const requested = await api('POST', '/backups', { token: await admin(), body: { segments: 4 } });
    const overlapping = await api('POST', '/backups', { token: await admin() });
    const done = await finished(requested.json.id);
    backupId = requested.json.id;

    // Assess
    expect(requested.status).toBe(202);
    expect(requested.json).toMatchObject({ type: 'backup', status: 'queued' });
    expect(overlapping.status).toBe(409);
    expect(overlapping.json.detail).toContain(requested.json.id);
    expect(done).toMatchObject({ status: 'succeeded', counts: { segments: 4, files: 4 } });
    const listed = await api('GET', '/backups?limit=100', { token: await admin() });
    expect(listed.json.items.find((backup: { id: string }) => backup.id === backupId)).toMatchObject({
      status: 'complete',
      reason: 'requested',
    });
    const shown = await api('GET', `/backups/${backupId}`, { token: await admin() });
    expect(shown.status).toBe(200);
    expect(shown.json.manifest).toMatchObject({ backupId, segments: 4, formatVersion: 1 });
    expect(shown.json.manifest.files).toHaveLength(4);
    expect(shown.json.manifest.counts.total).toBe(done.counts.items);
    expect(shown.json.manifest.counts.byEntity.user).toBeGreaterThan(0);
  }, 180_000);

  it('a drill restores the backup into a scratch table, compares it: { items, differences: 0, byType }, and drops the table', async () => {
    // Act
    const requested = await api('POST', `/backups/${backupId}/drill`, { token: await admin() });
    const done = await finished(requested.json.id);

    // Assess
    expect(requested.status).toBe(202);
    expect(done.status, JSON.stringify(done.failure)).toBe('succeeded');
    expect(done.result).toMatchObject({ backupId, differences: 0, differing: [] });
    const shown = await api('GET', `/backups/${backupId}`, { token: await admin() });
    expect(done.result.items).toBe(shown.json.manifest.counts.total);
    expect(done.result.byType.user).toEqual({
      backup: shown.json.manifest.counts.byEntity.user,
      restored: shown.json.manifest.counts.byEntity.user,
      differences: 0,
    });
    expect(await restoreTables()).toEqual([]);
  }, 180_000);

  it('a drill of a missing backup is a 404; a restore of one too', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await api('POST', `/backups/${missing}/drill`, { token: await admin() })).status).toBe(404);
    const restore = await api('POST', `/backups/${missing}/restore`, {
      token: await admin(),
      body: { target: 'new-table' },
    });
    expect(restore.status).toBe(404);
  });

  it('restores into a new table, named as its output', async () => {
    // Act
    const requested = await api('POST', `/backups/${backupId}/restore`, {
      token: await admin(),
      body: { target: 'new-table', confirm: true },
    });
    const done = await finished(requested.json.id);

    // Assess
    expect(requested.status).toBe(202);
    expect(done.status, JSON.stringify(done.failure)).toBe('succeeded');
    const tableName = `${requireSetting('tableName')}-restore-${requested.json.id.slice(0, 8)}`;
    expect(done.outputs.table).toBe(tableName);
    expect(await restoreTables()).toEqual([tableName]);
    await dynamoDbClient().send(new DeleteTableCommand({ TableName: tableName }));
  }, 180_000);

  it('refuses an in-place restore without the typed confirmation (422 naming confirm), and changes nothing', async () => {
    // Prepare
    const before = await api('GET', '/jobs?kind=restore&limit=100', { token: await admin() });

    // Act
    const refusals = await Promise.all(
      [
        { target: 'in-place' },
        { target: 'in-place', confirm: true },
        { target: 'in-place', confirm: 'yes' },
      ].map(async (body) => api('POST', `/backups/${backupId}/restore`, { token: await admin(), body })),
    );

    // Assess
    for (const refused of refusals) {
      expect(refused.status).toBe(422);
      expect(refused.json.errors).toEqual([
        { path: 'body.confirm', message: expect.stringContaining(`restore ${backupId} in place`) },
      ]);
    }
    const after = await api('GET', '/jobs?kind=restore&limit=100', { token: await admin() });
    expect(after.json.items.map((job: { id: string }) => job.id)).toEqual(
      before.json.items.map((job: { id: string }) => job.id),
    );
  });

  it('restores in place with the typed confirmation: a backup of the current state first, then the table equals the backup', async () => {
    // Prepare: a department created after the backup, which the restore takes away
    const created = await api('POST', '/departments', {
      token: await admin(),
      body: { name: uniqueName('After the backup') },
    });
    expect(created.status).toBe(201);

    // Act
    const requested = await api('POST', `/backups/${backupId}/restore`, {
      token: await admin(),
      body: { target: 'in-place', confirm: `restore ${backupId} in place` },
    });
    const done = await finished(requested.json.id);

    // Assess
    expect(requested.status).toBe(202);
    expect(done.status, JSON.stringify(done.failure)).toBe('succeeded');
    const preRestore = done.result.preRestoreBackupId;
    expect(done.outputs.preRestoreBackup).toBe(preRestore);
    const listed = await api('GET', '/backups?limit=100', { token: await admin() });
    expect(listed.json.items.find((backup: { id: string }) => backup.id === preRestore)).toMatchObject({
      status: 'complete',
      reason: 'pre-restore',
    });
    expect(done.result.deleted).toBeGreaterThan(0);
    const gone = await api('GET', `/departments/${created.json.id}`, { token: await admin() });
    expect(gone.status).toBe(404);
    // The backup's lock, which the backup caught held, is not put back: the next backup starts at once
    const next = await api('POST', '/backups', { token: await admin() });
    expect(next.status, next.text).toBe(202);
    expect((await finished(next.json.id)).status).toBe('succeeded');
  }, 180_000);

  it('the daily and weekly jobs request a backup and a drill of the latest complete backup', async () => {
    // Act
    const load = handlerLoader<(event: { time: string }) => Promise<{ id: string }>>(PROJECT_ROOT);
    const daily = await (await load(backupJob.handler))({ time: new Date().toISOString() });
    expect(daily).toMatchObject({ type: 'backup', status: 'queued' });
    const dailyDone = await finished(daily.id);
    const weekly = await (await load(drillJob.handler))({ time: new Date().toISOString() });
    expect(weekly).toMatchObject({ type: 'drill', status: 'queued' });
    const weeklyDone = await finished(weekly.id);

    // Assess
    expect(dailyDone).toMatchObject({ type: 'backup', status: 'succeeded', input: { reason: 'scheduled' } });
    expect(weeklyDone.status, JSON.stringify(weeklyDone.failure)).toBe('succeeded');
    expect(weeklyDone.result).toMatchObject({ backupId: daily.id, differences: 0 });
  }, 240_000);

  it('GET /backups/status and /health/detail: the last backup and drill, for admins only', async () => {
    // Act
    const status = await api('GET', '/backups/status', { token: await admin() });
    const health = await api('GET', '/health/detail', { token: await admin() });

    // Assess
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({
      healthy: true,
      maxAgeHours: 26,
      lastBackup: { ageHours: expect.any(Number) },
      lastDrill: { differences: 0, ok: true },
    });
    expect(status.json.lastBackup.ageHours).toBeLessThan(1);
    expect(health.status).toBe(200);
    expect(health.json.backups).toEqual(status.json);
    expect(health.json.dependencies.map((d: { name: string }) => d.name)).toContain('table');
    for (const email of ['learner@example.com', 'manager@example.com']) {
      const token = await tokenFor(email);
      expect((await api('GET', '/backups/status', { token })).status).toBe(403);
      expect((await api('GET', '/health/detail', { token })).status).toBe(403);
      expect((await api('POST', '/backups', { token })).status).toBe(403);
    }
    const publicHealth = await api('GET', '/health');
    expect(publicHealth.json.backups).toBeUndefined();
  });
});

/**
 * Report schedules over HTTP, as an administrator and a manager use them: bad input refused naming the field
 * (nothing stored), a manager seeing only their own, pause and resume, delete. Then the delivery end to end:
 * an export, a schedule, the tick (as EventBridge runs it) requests the run from the report runs' worker, the
 * next tick mails a presigned link (locally an `.eml` file in LMS_LOCAL_MAIL_DIR) that downloads the CSV, and
 * the delivery is in the schedule's audit trail. The delivery needs the report runs' worker (runs-api).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { requireSetting } from '../../shared/config.ts';
import { reportSchedules } from '../../shared/jobs/manifest.ts';
import { exportNow } from '../support/analytics-export.ts';
import { api, tokenFor } from '../support/http.ts';

let admin: string;
let manager: string;
const BODY = {
  report: 'completion',
  params: { from: '2026-01-01', to: '2026-12-31', granularity: 'quarter' },
  format: 'csv',
  cron: '0 7 * * 1',
  timezone: 'Europe/Paris',
  recipients: ['admin@example.com'],
};

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  manager = await tokenFor('manager@example.com');
});

describe('/report-schedules', () => {
  it('refuses a cron more often than hourly and recipients outside the allowed domains, naming the fields', async () => {
    const before = await api('GET', '/report-schedules?limit=100', { token: admin });
    const cron = await api('POST', '/report-schedules', {
      token: admin,
      body: { ...BODY, cron: '*/10 * * * *' },
    });
    expect(cron.status).toBe(400);
    expect(cron.json.errors.map((error: { path: string }) => error.path)).toEqual(['body.cron']);
    const recipients = await api('POST', '/report-schedules', {
      token: admin,
      body: { ...BODY, recipients: ['admin@example.com', 'someone@elsewhere.org'] },
    });
    expect(recipients.status).toBe(400);
    expect(recipients.json.errors).toEqual([
      { path: 'body.recipients.1', message: 'elsewhere.org is not an allowed domain' },
    ]);
    const after = await api('GET', '/report-schedules?limit=100', { token: admin });
    expect(after.json.items.length).toBe(before.json.items.length);
  });

  it('lets an admin change the allowed domains (If-Match), audited; a domain that is not one is a 400', async () => {
    // Prepare
    const read = await api('GET', '/settings/report-delivery', { token: admin });
    expect(read.status).toBe(200);
    const domains: string[] = read.json.recipientDomains;

    // Act
    const bad = await api('PUT', '/settings/report-delivery', {
      token: admin,
      body: { recipientDomains: ['not a domain'] },
    });
    const changed = await api('PUT', '/settings/report-delivery', {
      token: admin,
      body: { recipientDomains: [...domains, 'Example.ORG'] },
      headers: { 'if-match': read.headers.get('etag') as string },
    });

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((error: { path: string }) => error.path)).toEqual(['body.recipientDomains.0']);
    expect(changed.status).toBe(200);
    expect(changed.json.recipientDomains).toEqual([...new Set([...domains, 'example.org'])].sort());
    expect(changed.json.version).toBe(read.json.version + 1);
    const audit = await api('GET', '/audit?target=settings:report-delivery', { token: admin });
    expect(audit.json.items[0]).toMatchObject({ action: 'settings.updated' });
    const stale = await api('PUT', '/settings/report-delivery', {
      token: admin,
      body: { recipientDomains: domains },
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    expect(stale.status).toBe(412);
  });

  it('runs a moving period: each run covers the last full month, and a report without a period refuses one', async () => {
    // Act
    const created = await api('POST', '/report-schedules', {
      token: admin,
      body: { ...BODY, params: { granularity: 'month' }, period: 'previous-month', timezone: 'UTC' },
    });
    const refused = await api('POST', '/report-schedules', {
      token: admin,
      body: { ...BODY, report: 'compliance', params: {}, period: 'previous-month' },
    });

    // Assess: the dates are not kept; each run gets them
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ period: 'previous-month', params: { granularity: 'month' } });
    expect(created.json.params).not.toHaveProperty('from');
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([{ path: 'body.period', message: 'this report has no from and to' }]);
    await api('DELETE', `/report-schedules/${created.json.id}`, { token: admin });
  });

  it('lets a manager schedule in their scope and see only their own; pause, resume and delete', async () => {
    // Prepare: one schedule each
    const mine = await api('POST', '/report-schedules', { token: manager, body: BODY });
    expect(mine.status).toBe(201);
    expect(mine.headers.get('location')).toBe(`/report-schedules/${mine.json.id}`);
    const theirs = await api('POST', '/report-schedules', { token: admin, body: BODY });
    expect(theirs.status).toBe(201);

    // Assess: the manager lists and reads only their own
    const listed = await api('GET', '/report-schedules?limit=100', { token: manager });
    expect(listed.json.items.map((schedule: { id: string }) => schedule.id)).toContain(mine.json.id);
    expect(listed.json.items.map((schedule: { id: string }) => schedule.id)).not.toContain(theirs.json.id);
    expect((await api('GET', `/report-schedules/${theirs.json.id}`, { token: manager })).status).toBe(403);

    // Act: pause, resume, delete
    const paused = await api('PATCH', `/report-schedules/${mine.json.id}`, {
      token: manager,
      body: { status: 'paused', reason: 'Quarter closed' },
      headers: { 'if-match': `"${mine.json.version}"` },
    });
    expect(paused.json).toMatchObject({ status: 'paused', pausedReason: 'Quarter closed', nextRunAt: null });
    const resumed = await api('PATCH', `/report-schedules/${mine.json.id}`, {
      token: manager,
      body: { status: 'active' },
    });
    expect(resumed.json.status).toBe('active');
    expect(Date.parse(resumed.json.nextRunAt)).toBeGreaterThan(Date.now());
    expect((await api('DELETE', `/report-schedules/${mine.json.id}`, { token: manager })).status).toBe(204);
    expect((await api('DELETE', `/report-schedules/${theirs.json.id}`, { token: admin })).status).toBe(204);
    expect((await api('GET', `/report-schedules/${mine.json.id}`, { token: manager })).status).toBe(404);
  });

  it('delivers a run: the tick requests it, the next tick mails a link that downloads its CSV, audited', async () => {
    // Prepare: an export to report on, and a schedule
    await exportNow(admin);
    const created = await api('POST', '/report-schedules', { token: admin, body: BODY });
    expect(created.status).toBe(201);
    const tick = await handlerLoader<(event: { time: string }) => Promise<{ requested: number }>>(
      PROJECT_ROOT,
    )(reportSchedules.handler);

    // Act: the tick at the run time requests the run
    await tick({ time: created.json.nextRunAt });
    const schedule = await api('GET', `/report-schedules/${created.json.id}`, { token: admin });
    const runId = schedule.json.lastRunId;
    expect(runId).toEqual(expect.any(String));
    const deadline = Date.now() + 50_000;
    let run = await api('GET', `/jobs/${runId}`, { token: admin });
    while (!['succeeded', 'failed'].includes(run.json.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      run = await api('GET', `/jobs/${runId}`, { token: admin });
    }
    expect(run.json).toMatchObject({ type: 'report', status: 'succeeded' });
    expect(run.json.input).toMatchObject({ report: 'completion', scheduleId: created.json.id });
    await tick({ time: new Date().toISOString() });

    // Assess: one mail, whose link downloads the CSV
    const dir = requireSetting('localMailDir');
    const mails = await Promise.all(
      (await readdir(dir)).map((file) => readFile(path.join(dir, file), 'utf8')),
    );
    const mail = mails.filter((text) => text.includes(`run ${runId}`));
    expect(mail).toHaveLength(1);
    const link = /^(http\S+)$/m.exec(mail[0] as string)?.[1] as string;
    const csv = await fetch(link);
    expect(csv.status).toBe(200);
    expect((await csv.text()).split(/\r?\n/)[0]).toBe(
      'Period,Course id,Course,Department id,Department,Completions,Average score',
    );
    const audit = await api('GET', `/audit?target=report-schedule:${created.json.id}`, { token: admin });
    expect(audit.json.items.map((record: { action: string }) => record.action)).toContain(
      'report-schedule.delivered',
    );
    await api('DELETE', `/report-schedules/${created.json.id}`, { token: admin });
  });
});

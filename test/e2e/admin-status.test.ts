/**
 * GET /admin/status over HTTP, locally: health, a failed run of the last 24 hours, the backups' status, the
 * slowest course (a published course whose learners waited long, from its attempts) and the error rate from
 * the local gateway's request log. Administrators only.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { DynamoAttemptRepository } from '../../shared/store/attempt-store.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { writeLaunchedAttempt } from '../support/attempts.ts';
import { api, tokenFor } from '../support/http.ts';
import { publishedCourse, SCO_PAGE, SCORM2004_MANIFEST } from '../support/runtime.ts';

const admin = () => tokenFor('admin@example.com');

describe('GET /admin/status', () => {
  it('gathers health, the last 24 h of failed runs, backups, the slowest courses and the error rate', async () => {
    // Prepare: a published course whose 20 learners waited 50.1 s to 52 s (p95 by nearest rank: the 19th,
    // 51.9 s), one preview that waited longer (not counted), and a run that failed a second ago.
    const token = await admin();
    const courseId = await publishedCourse(token, {
      'imsmanifest.xml': SCORM2004_MANIFEST(),
      'index.html': SCO_PAGE,
    });
    const attempts = new DynamoAttemptRepository(dynamoDb(), requireSetting('tableName'));
    const now = Date.now();
    for (let i = 1; i <= 20; i++) {
      await writeLaunchedAttempt(attempts, {
        courseId,
        launchedAt: new Date(now - i * 60_000).toISOString(),
        loadMs: 50_000 + i * 100,
      });
    }
    await writeLaunchedAttempt(attempts, {
      courseId,
      preview: true,
      launchedAt: new Date(now - 30_000).toISOString(),
      loadMs: 900_000,
    });
    const failedId = randomUUID();
    const failedAt = new Date(now - 1_000).toISOString();
    await new DynamoJobRepository(dynamoDb(), requireSetting('tableName')).create(
      {
        id: failedId,
        type: 'export',
        status: 'failed',
        target: 'analytics:export',
        createdBy: 'system',
        createdAt: failedAt,
        startedAt: failedAt,
        finishedAt: failedAt,
        progress: { step: 'scan', done: 0, total: 0 },
        failure: { code: 'TableUnavailable', message: 'The table did not answer the scan.' },
        findings: [],
        input: {},
        result: null,
        counts: {},
        outputs: {},
        leaseUntil: null,
        version: 1,
      },
      null,
    );

    // Act
    const answer = await api('GET', '/admin/status', { token });

    // Assess
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const status = answer.json;
    expect(status.health.status).toBe('ok');
    expect(status.health.dependencies.map((d: { name: string }) => d.name)).toContain('table');
    // Newest first: other tests' failed runs of the last seconds may come before it.
    const failed = status.jobFailures.recent.find((job: { id: string }) => job.id === failedId);
    expect(failed).toEqual({
      id: failedId,
      kind: 'export',
      failedAt,
      code: 'TableUnavailable',
      message: 'The table did not answer the scan.',
    });
    expect(status.jobFailures.count).toBeGreaterThanOrEqual(1);
    expect(Date.parse(status.jobFailures.since)).toBeCloseTo(Date.parse(status.time) - 86_400_000, -3);
    expect(status.backups).toHaveProperty('maxAgeHours', 26);
    expect(status.slowestCourses.truncated).toBe(false);
    expect(status.slowestCourses.courses[0]).toMatchObject({ courseId, launches: 20, p95Ms: 51_900 });
    expect(status.errorRate.source).toBe('local-request-log');
  });

  it("counts the gateway's answers of the last hour: requests, 4xx and 5xx", async () => {
    // Prepare
    const token = await admin();
    const before = (await api('GET', '/admin/status', { token })).json.errorRate;

    // Act: three answers that are 404s, then the status again
    for (let i = 0; i < 3; i++) await api('GET', `/no-such-route-${i}`, { token });
    const after = (await api('GET', '/admin/status', { token })).json.errorRate;

    // Assess: the first status's own answer, and the three 404s
    expect(after.requests - before.requests).toBe(4);
    expect(after.clientErrors - before.clientErrors).toBe(3);
    expect(after.serverErrors - before.serverErrors).toBe(0);
    expect(after.serverErrorRate).toBe(after.serverErrors / after.requests);
  });

  it('refuses a manager and a learner (403), and anyone signed out (401)', async () => {
    // Act
    const manager = await api('GET', '/admin/status', { token: await tokenFor('manager@example.com') });
    const learner = await api('GET', '/admin/status', { token: await tokenFor('learner@example.com') });
    const anonymous = await api('GET', '/admin/status');

    // Assess
    expect(manager.status).toBe(403);
    expect(learner.status).toBe(403);
    expect(anonymous.status).toBe(401);
  });
});

/**
 * The scheduled jobs' handlers, run once each against the local stack the way `npm run job -- <name>` and
 * the local scheduler run them: through the local handler loader, as their functions. (Their use cases are
 * tested in depth in catalog, cohorts and the federation unit tests; this is the handler, as deployed.)
 */
import { describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { complianceSweep, courseSchedule, resyncWebClientProviders } from '../../shared/jobs/manifest.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import { actor, uniqueName } from '../support/actors.ts';

type ScheduledHandler = (event: { time: string }) => Promise<unknown>;
const load = handlerLoader<ScheduledHandler>(PROJECT_ROOT);
const run = async (handler: string) => (await load(handler))({ time: new Date().toISOString() });

describe('scheduled jobs, run as npm run job runs them', () => {
  it('course-schedule publishes a course whose publishAt has come', async () => {
    // Prepare
    const catalog = catalogPorts();
    const past = new Date(Date.now() - 60_000).toISOString();
    const course = await createCourse(catalog, actor(), { title: uniqueName('Due'), publishAt: past });

    // Act
    const result = await run(courseSchedule.handler);

    // Assess: the run is recorded, with what it did
    expect(result).toMatchObject({
      type: 'course-schedule',
      status: 'succeeded',
      result: { published: expect.arrayContaining([course.id]) },
      counts: { published: expect.any(Number), archived: expect.any(Number), held: expect.any(Number) },
      leaseUntil: null,
    });
    expect((await catalog.catalog.getCourse(course.id))?.status).toBe('published');
    const runs = await catalog.jobs.list({ type: 'course-schedule' }, { limit: 5 });
    expect(runs.items.map((job) => job.id)).toContain((result as { id: string }).id);
  });

  it('a course-schedule tick while a run is under way is skipped, naming that run, and records no run', async () => {
    // Prepare: a run holding the course-schedule lock
    const catalog = catalogPorts();
    const running = await startJobRun(catalog, actor(), { type: 'course-schedule' });

    // Act
    const result = await run(courseSchedule.handler);

    // Assess
    expect(result).toEqual({ skipped: 'overlap', runningJobId: running.id });
    const latest = await catalog.jobs.list({ type: 'course-schedule' }, { limit: 1 });
    expect(latest.items[0]?.id).toBe(running.id);
    await runJob(catalog, running, async () => ({ result: {} }));
  });

  it('compliance-sweep reports what it changed', async () => {
    // Act
    const result = await run(complianceSweep.handler);

    // Assess
    expect(result).toMatchObject({
      type: 'compliance-sweep',
      status: 'succeeded',
      result: {
        overdue: expect.any(Number),
        recertifying: expect.any(Number),
        expired: expect.any(Number),
        skipped: expect.any(Number),
      },
    });
  });

  it('resync-web-client-providers leaves the web client alone where the pool has no federation', async () => {
    // Act
    const result = await run(resyncWebClientProviders.handler);

    // Assess: locally no provider is ever synced to Cognito, so nothing is listed or unlisted
    expect(result).toMatchObject({ added: [], removed: [], missing: [] });
    expect(['aws-only', 'unchanged']).toContain((result as { status: string }).status);
  });
});

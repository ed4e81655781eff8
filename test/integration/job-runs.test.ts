import { describe, expect, it } from 'vitest';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { JobOverlapError, runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import { actor } from '../support/actors.ts';

const ports = catalogPorts();
const admin = actor(['admin']);

/** A clock the test moves: leases lapse when the test says so. */
function clockAt(start: string) {
  let now = new Date(start).getTime();
  return {
    runtime: { now: () => new Date(now), newId: ports.runtime.newId },
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

describe('job runs', () => {
  it('a run never overlaps itself: the second start names the run under way, and the lock frees at the end', async () => {
    const lock = `test-lock-${ports.runtime.newId()}`;
    const first = await startJobRun(ports, admin, { type: 'backup', lock, audited: true });
    expect(first).toMatchObject({ type: 'backup', status: 'running', failure: null });
    const refused = await startJobRun(ports, admin, { type: 'backup', lock }).catch((error) => error);
    expect(refused).toBeInstanceOf(JobOverlapError);
    expect(refused.message).toContain(first.id);

    const done = await runJob(
      ports,
      first,
      async (run) => {
        await run.progress('scan', 5, 10, { items: 5 });
        run.output('manifest', 'backups/x/manifest.json');
        return { result: { ok: true }, counts: { items: 10 } };
      },
      { lock },
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { ok: true },
      counts: { items: 10 },
      outputs: { manifest: 'backups/x/manifest.json' },
      leaseUntil: null,
    });
    const next = await startJobRun(ports, admin, { type: 'backup', lock });
    await runJob(ports, next, async () => ({ result: {} }), { lock });
  });

  it('a run that throws is recorded failed with what it threw, and releases its lock', async () => {
    const lock = `test-lock-${ports.runtime.newId()}`;
    const started = await startJobRun(ports, admin, { type: 'export', lock });
    await expect(
      runJob(ports, started, async () => Promise.reject(new Error('disk full')), { lock }),
    ).rejects.toThrow('disk full');
    expect(await ports.jobs.get(started.id)).toMatchObject({
      status: 'failed',
      failure: { code: 'Error', message: 'disk full' },
    });
    const next = await startJobRun(ports, admin, { type: 'export', lock });
    // Ended, so that no run of a real kind is left looking under way for the other tests
    await runJob(ports, next, async () => ({ result: {} }), { lock });
  });

  it('a run whose process died lets its lease lapse: the next run takes over and records it abandoned', async () => {
    const lock = `test-lock-${ports.runtime.newId()}`;
    const clock = clockAt('2026-12-07T10:00:00.000Z');
    const clocked = { ...ports, runtime: clock.runtime };
    const dead = await startJobRun(clocked, admin, { type: 'backup', lock });
    clock.advance(60);
    await expect(startJobRun(clocked, admin, { type: 'backup', lock })).rejects.toBeInstanceOf(
      JobOverlapError,
    );
    clock.advance(121);
    const next = await startJobRun(clocked, admin, { type: 'backup', lock });
    expect(next.status).toBe('running');
    expect(await ports.jobs.get(dead.id)).toMatchObject({ status: 'failed', failure: { code: 'abandoned' } });
    await runJob(clocked, next, async () => ({ result: {} }), { lock });
  });

  it('lists runs newest first, by kind and by status', async () => {
    const lock = `test-lock-${ports.runtime.newId()}`;
    const a = await startJobRun(ports, admin, { type: 'drill', lock });
    await runJob(
      ports,
      a,
      async () => ({ result: {}, failure: { code: 'differences', message: '2 differ' } }),
      {
        lock,
      },
    );
    const b = await startJobRun(ports, admin, { type: 'drill', lock });
    const drills = await ports.jobs.list({ type: 'drill' }, { limit: 100 });
    const ids = drills.items.map((job) => job.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    const failed = await ports.jobs.list({ type: 'drill', status: 'failed' }, { limit: 100 });
    expect(failed.items.map((job) => job.id)).toContain(a.id);
    expect(failed.items.map((job) => job.id)).not.toContain(b.id);
    expect(failed.items.every((job) => job.status === 'failed' && job.type === 'drill')).toBe(true);
    const all = await ports.jobs.list({}, { limit: 5 });
    expect(all.items.length).toBeGreaterThan(0);
    await runJob(ports, b, async () => ({ result: {} }), { lock });
  });
});

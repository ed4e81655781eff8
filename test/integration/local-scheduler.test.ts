/**
 * The local scheduler's tick and `npm run job`'s following of a run, against the local stack's table: a failed
 * run is a log line (where AWS alarms), and a requested run is followed to its end with its progress.
 */
import { describe, expect, it } from 'vitest';
import { followRun, runScheduledTick, scheduledEvent } from '../../infra/local/jobs.ts';
import { courseSchedule, type ScheduledJob } from '../../shared/jobs/manifest.ts';
import { scheduledRunHandler } from '../../shared/jobs/run-handlers.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import { actor } from '../support/actors.ts';

const ports = catalogPorts();
/** A scheduled job of its own, recorded as drills: no other test's runs hold its lock. */
const job: ScheduledJob = { ...courseSchedule, name: 'test-scheduled-drill', recordedAs: 'drill' };
const at = new Date('2026-12-07T05:00:00.000Z');

describe('the local scheduler', () => {
  it('sends what a schedule sends: the tick as time, an id, the scheduled-event detail type', () => {
    expect(scheduledEvent(job, at)).toEqual({
      id: 'local:test-scheduled-drill:2026-12-07T05:00:00.000Z',
      time: '2026-12-07T05:00:00.000Z',
      'detail-type': 'Scheduled Event',
    });
  });

  it('logs "<job> failed" with the run and its failure when the handler returns a run recorded failed', async () => {
    // Prepare: a run that finishes its work but reports differences (it does not throw)
    const lines: string[] = [];
    const handler = scheduledRunHandler(job, ports, async () => ({
      result: { differences: 2 },
      failure: { code: 'differences', message: '2 items differ from the backup' },
    }));

    // Act
    const returned = await runScheduledTick(job, handler, (line) => lines.push(line), at);

    // Assess
    const runId = (returned as { id: string }).id;
    expect(await ports.jobs.get(runId)).toMatchObject({ type: 'drill', status: 'failed' });
    expect(lines).toEqual([
      `test-scheduled-drill failed: run ${runId} differences: 2 items differ from the backup`,
    ]);
  });

  it('logs "<job> failed" with the message when the handler throws, and nothing for a run that succeeded', async () => {
    // Prepare
    const lines: string[] = [];
    const throwing = scheduledRunHandler(job, ports, async () =>
      Promise.reject(new Error('table unavailable')),
    );
    const succeeding = scheduledRunHandler(job, ports, async () => ({ result: { differences: 0 } }));

    // Act
    await runScheduledTick(job, throwing, (line) => lines.push(line), at);
    const succeeded = await runScheduledTick(job, succeeding, (line) => lines.push(line), at);

    // Assess
    expect(lines).toEqual(['test-scheduled-drill failed: table unavailable']);
    expect(succeeded).toMatchObject({ status: 'succeeded', result: { differences: 0 } });
  });
});

describe('following a run (npm run job)', () => {
  it('reports each new step done/total and returns the run once it ended', async () => {
    // Prepare: a run under way, which a worker advances in the background
    const lock = `test-lock-${ports.runtime.newId()}`;
    const started = await startJobRun(ports, actor(['admin']), { type: 'backup', lock });
    const lines: string[] = [];
    const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
    const worker = runJob(
      ports,
      started,
      async (run) => {
        await pause(2_100);
        await run.progress('scan', 1, 4);
        await pause(2_100);
        await run.progress('scan', 4, 4);
        await pause(200);
        return { result: { items: 4 }, failure: { code: 'checksum', message: 'segment 2 does not match' } };
      },
      { lock },
    );

    // Act
    const ended = await followRun(ports.jobs, started, {
      intervalMs: 100,
      onProgress: (line) => lines.push(line),
    });
    await worker;

    // Assess: the steps as they were saved after the one it started from, once each, then the ended run
    expect(lines).toEqual(['scan 1/4', 'scan 4/4', 'done 4/4']);
    expect(ended).toMatchObject({
      id: started.id,
      status: 'failed',
      failure: { code: 'checksum', message: 'segment 2 does not match' },
      result: { items: 4 },
    });
  });

  it('gives up on a run no worker takes, naming it', async () => {
    // Prepare: a queued run nobody will take
    const lock = `test-lock-${ports.runtime.newId()}`;
    const queued = await startJobRun(ports, actor(['admin']), { type: 'export', lock, status: 'queued' });

    // Act + Assess
    await expect(
      followRun({ get: async () => queued }, queued, {
        intervalMs: 10,
        queuedPatienceMs: 50,
        onProgress: () => {},
      }),
    ).rejects.toThrow(
      `Run ${queued.id} (export) is still queued: no worker took it. Is \`npm start\` running?`,
    );
    // Ended, so that no run of a real kind is left looking under way for the other tests
    await runJob(ports, queued, async () => ({ result: {} }), { lock });
  });
});

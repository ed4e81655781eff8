/**
 * The handler of a scheduled job whose runs are recorded (`GET /jobs?kind=<name>`): each tick starts a run
 * holding the job's lock, so a tick that comes while the last run is still going is skipped (logged, not
 * failed); a run that throws is recorded failed, counted (`JobFailures`, which alarms in AWS) and logged.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { type Actor, systemActor } from '../domain/principal.ts';
import { logger } from '../http/logger.ts';
import { countingFailures } from '../metrics.ts';
import {
  JobOverlapError,
  type JobRunOutcome,
  type JobRunPorts,
  type JobRunProgress,
  runJob,
  startJobRun,
} from '../use-cases/job-runs.ts';
import type { ScheduledJob } from './manifest.ts';

export function scheduledRunHandler(
  job: ScheduledJob,
  ports: JobRunPorts,
  work: (context: { actor: Actor; at: Date; run: JobRunProgress }) => Promise<JobRunOutcome>,
): (event?: Partial<ScheduledEvent>) => Promise<unknown> {
  const kind = job.recordedAs;
  if (!kind) throw new Error(`Job ${job.name} declares no recordedAs kind in the job manifest.`);
  return countingFailures(job.name, async (event: Partial<ScheduledEvent> = {}) => {
    const at = event.time ? new Date(event.time) : new Date();
    const actor = systemActor(`job:${job.name}`, event.id ?? `${job.name}:${at.toISOString()}`);
    let started: Awaited<ReturnType<typeof startJobRun>>;
    try {
      started = await startJobRun(ports, actor, { type: kind });
    } catch (error) {
      if (!(error instanceof JobOverlapError)) throw error;
      logger.warn('scheduled run skipped: the previous run is still under way', {
        job: job.name,
        runningJobId: error.runningJobId,
      });
      return { skipped: 'overlap', runningJobId: error.runningJobId };
    }
    try {
      const done = await runJob(ports, started, (run) => work({ actor, at, run }));
      logger.info('scheduled run finished', { job: job.name, jobId: done.id, status: done.status });
      return done;
    } catch (error) {
      logger.error('scheduled run failed', { job: job.name, jobId: started.id, error: error as Error });
      throw error;
    }
  });
}

/**
 * Handlers of the jobs whose runs are recorded (`GET /jobs?kind=`):
 * - `scheduledRunHandler`: a scheduled job that does its work in the tick;
 * - `runRequestHandler`: a scheduled job that requests a run of a worker (the daily backup), as an admin's
 *   `POST` does;
 * - `queuedRunHandler`: the worker that runs requested runs from its work queue.
 * Each run holds its kind's lock, so a tick that comes while the last run is still going is skipped (logged,
 * not failed); a run that throws is recorded failed, counted (`JobFailures`, which alarms in AWS) and logged.
 */
import type { ScheduledEvent, SQSEvent } from 'aws-lambda';
import type { Job, JobKind } from '../domain/job.ts';
import { type Actor, systemActor } from '../domain/principal.ts';
import { logger } from '../http/logger.ts';
import { countingFailures, countMetric } from '../metrics.ts';
import { QueuedRunMessage } from '../store/job-queue.ts';
import {
  JobOverlapError,
  type JobRunOutcome,
  type JobRunPorts,
  type JobRunProgress,
  type RunQueue,
  requestJobRun,
  runJob,
  startJobRun,
} from '../use-cases/job-runs.ts';
import type { QueueJob, ScheduledJob } from './manifest.ts';

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

/**
 * A scheduled job that requests a run of kind `kind` from its worker (through `queue`), exactly as an
 * admin's request does; a tick while a run of that kind is queued or under way is skipped.
 */
export function runRequestHandler(
  job: ScheduledJob,
  kind: JobKind,
  ports: JobRunPorts & { readonly queue: RunQueue },
  input: (at: Date) => Record<string, unknown> = () => ({}),
): (event?: Partial<ScheduledEvent>) => Promise<unknown> {
  return countingFailures(job.name, async (event: Partial<ScheduledEvent> = {}) => {
    const at = event.time ? new Date(event.time) : new Date();
    const actor = systemActor(`job:${job.name}`, event.id ?? `${job.name}:${at.toISOString()}`);
    try {
      const requested = await requestJobRun(ports, actor, { type: kind, input: input(at) });
      logger.info('scheduled run requested', { job: job.name, jobId: requested.id });
      return requested;
    } catch (error) {
      if (!(error instanceof JobOverlapError)) throw error;
      logger.warn('scheduled run skipped: a run is already queued or under way', {
        job: job.name,
        runningJobId: error.runningJobId,
      });
      return { skipped: 'overlap', runningJobId: error.runningJobId };
    }
  });
}

/**
 * The worker of a work queue: each message `{ jobId }` is one requested run, run by `work` (which may look at
 * the run's type and input). A message for a run that is no longer queued (delivered again after the run
 * ended, or after its lease lapsed and it was recorded abandoned) is dropped. A run that throws is recorded
 * failed and not retried: the next request starts clean.
 */
export function queuedRunHandler(
  job: QueueJob,
  ports: JobRunPorts,
  work: (context: { job: Job; run: JobRunProgress }) => Promise<JobRunOutcome>,
  options: { lock?: (job: Job) => string } = {},
): (event: SQSEvent) => Promise<void> {
  return countingFailures(job.name, async (event: SQSEvent) => {
    for (const message of event.Records) {
      const { jobId } = QueuedRunMessage.parse(JSON.parse(message.body));
      const requested = await ports.jobs.get(jobId);
      if (requested?.status !== 'queued') {
        logger.warn('queued run dropped: it is no longer queued', {
          job: job.name,
          jobId,
          status: requested?.status,
        });
        continue;
      }
      try {
        const done = await runJob(ports, requested, (run) => work({ job: requested, run }), {
          lock: options.lock?.(requested),
        });
        logger.info('queued run finished', { job: job.name, jobId, status: done.status });
        if (done.status === 'failed') countMetric('JobFailures', 1, { job: job.name });
      } catch (error) {
        // Recorded failed by runJob; counted here, not thrown, so SQS does not run it again.
        logger.error('queued run failed', { job: job.name, jobId, error: error as Error });
        countMetric('JobFailures', 1, { job: job.name });
      }
    }
  });
}

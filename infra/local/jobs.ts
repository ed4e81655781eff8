import type { S3Event, ScheduledEvent } from 'aws-lambda';
import { Job } from '../../shared/domain/job.ts';
import { jobs, type ScheduledJob, type UploadTriggeredJob } from '../../shared/jobs/manifest.ts';
import type { JobRepository } from '../../shared/use-cases/ports.ts';
import type { S3NotificationEmitter } from './emulators.ts';
import { handlerLoader } from './paths.ts';
import type { LocalResources } from './resources.ts';

type Handler = (event: unknown) => Promise<unknown>;

const RETRY_DELAYS_MS = [1000, 2000];

export interface LocalJobRunner {
  /** Resolves when every upload event received so far has been handled (tests wait on it). */
  idle(): Promise<void>;
  stop(): void;
}

export function runJobsLocally(options: {
  root: string;
  s3: S3NotificationEmitter;
  resources: LocalResources;
  schedules: boolean;
  log: (line: string) => void;
}): LocalJobRunner {
  const load = handlerLoader<Handler>(options.root);
  const pending = new Set<Promise<void>>();
  const uploadJobs = jobs.filter(
    (job): job is UploadTriggeredJob => job.trigger.kind === 's3-object-created',
  );

  const onEvent = (event: S3Event) => {
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated')) continue;
      const bucket = record.s3.bucket.name;
      const key = record.s3.object.key;
      for (const job of uploadJobs) {
        const { prefix, suffix } = job.trigger;
        if (
          bucket !== options.resources.buckets[job.trigger.bucket] ||
          !key.startsWith(prefix) ||
          !key.endsWith(suffix)
        )
          continue;
        // AWS sends keys URL-encoded; the emulator does not. Encode so the handler sees what Lambda sees.
        const encoded: S3Event = {
          Records: [
            {
              ...record,
              s3: {
                ...record.s3,
                object: { ...record.s3.object, key: key.split('/').map(encodeURIComponent).join('/') },
              },
            },
          ],
        };
        const run = invokeWithRetries(job, encoded).finally(() => pending.delete(run));
        pending.add(run);
      }
    }
  };

  const invokeWithRetries = async (job: UploadTriggeredJob, event: S3Event) => {
    const handler = await load(job.handler);
    for (let attempt = 0; ; attempt++) {
      try {
        await handler(event);
        return;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        options.log(`${job.name} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
        if (delay === undefined) return;
        await new Promise((done) => setTimeout(done, delay));
      }
    }
  };

  options.s3.on('event', onEvent);
  const timers = options.schedules
    ? jobs
        .filter((job): job is ScheduledJob => job.trigger.kind === 'schedule')
        .map((job) =>
          setInterval(() => {
            load(job.handler)
              .then((handler) => runScheduledTick(job, handler, options.log))
              .catch((error: Error) => options.log(`${job.name} failed: ${error.message}`));
          }, job.trigger.everyMinutes * 60_000),
        )
    : [];

  return {
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop: () => {
      options.s3.off('event', onEvent);
      for (const timer of timers) clearInterval(timer);
    },
  };
}

/**
 * What a schedule sends a scheduled job's handler: the fields of an EventBridge scheduled event the handlers
 * read, as EventBridge Scheduler fills them in AWS (`SCHEDULED_EVENT` in infra/stacks/jobs-stack.ts).
 */
export function scheduledEvent(
  job: ScheduledJob,
  at: Date,
): Pick<ScheduledEvent, 'id' | 'time' | 'detail-type'> {
  return {
    id: `local:${job.name}:${at.toISOString()}`,
    time: at.toISOString(),
    'detail-type': 'Scheduled Event',
  };
}

/**
 * One tick of a scheduled job. Locally a failed run is a log line, `<job> failed: ...`, where AWS alarms on
 * `JobFailures`: a handler that threw, and a run the handler returns recorded failed (a run that finished its
 * work but reports a failure, which does not throw).
 */
export async function runScheduledTick(
  job: ScheduledJob,
  handler: (event: ReturnType<typeof scheduledEvent>) => Promise<unknown>,
  log: (line: string) => void,
  at: Date = new Date(),
): Promise<unknown> {
  try {
    const result = await handler(scheduledEvent(job, at));
    const run = Job.safeParse(result);
    if (run.success && run.data.status === 'failed') log(`${job.name} failed: ${describeFailure(run.data)}`);
    return result;
  } catch (error) {
    log(`${job.name} failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** How long `followRun` waits for a queued run's worker to take it before giving up. */
export const QUEUED_PATIENCE_MS = 60_000;

/**
 * Follows a run until it ends (`npm run job` after a run request): reads it every `intervalMs`, reports each
 * new `step done/total`, and returns the ended run. A run still queued after `queuedPatienceMs` is an error
 * naming its worker's queue job: nothing took it (is `npm start` running?).
 */
export async function followRun(
  runs: Pick<JobRepository, 'get'>,
  run: Job,
  options: { intervalMs?: number; queuedPatienceMs?: number; onProgress: (line: string) => void },
): Promise<Job> {
  const since = Date.now();
  const stepOf = (job: Job) => `${job.progress.step} ${job.progress.done}/${job.progress.total}`;
  let current = run;
  let reported = stepOf(run);
  while (current.status === 'queued' || current.status === 'running') {
    if (
      current.status === 'queued' &&
      Date.now() - since > (options.queuedPatienceMs ?? QUEUED_PATIENCE_MS)
    ) {
      throw new Error(
        `Run ${current.id} (${current.type}) is still queued: no worker took it. Is \`npm start\` running?`,
      );
    }
    await new Promise((done) => setTimeout(done, options.intervalMs ?? 500));
    const next = await runs.get(current.id);
    if (!next) throw new Error(`Run ${current.id} is gone from the table.`);
    current = next;
    const line = stepOf(current);
    if (line !== reported) options.onProgress(line);
    reported = line;
  }
  return current;
}

function describeFailure(run: Job): string {
  return `run ${run.id} ${run.failure ? `${run.failure.code}: ${run.failure.message}` : 'failed'}`;
}

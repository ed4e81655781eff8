import type { S3Event } from 'aws-lambda';
import { jobs, type ScheduledJob, type UploadTriggeredJob } from '../../shared/jobs/manifest.ts';
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
              .then((handler) => handler({ time: new Date().toISOString() }))
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

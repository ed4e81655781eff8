/**
 * Job runs: every run of a scheduled or on-demand job is a Job record (`GET /jobs`), and holds its kind's lock
 * while it runs, so a run never overlaps itself. The lock is a lease the run renews as it progresses: a run
 * whose process died (a Lambda timeout, `kill -9`) stops renewing, and the next run takes the lock over and
 * records the dead one as failed (`abandoned`), so nothing it left behind is ever taken for complete.
 */
import { ConflictError } from '../domain/errors.ts';
import type { Job, JobKind } from '../domain/job.ts';
import { type Actor, actorId } from '../domain/principal.ts';
import { auditChange } from './context.ts';
import type { JobRepository, Runtime } from './ports.ts';

export interface JobRunPorts {
  readonly jobs: JobRepository;
  readonly runtime: Runtime;
}

/** How long a run holds its lock without progressing. `LMS_JOB_LEASE_SECONDS` overrides it (tests). */
export function leaseSeconds(): number {
  const configured = Number(process.env.LMS_JOB_LEASE_SECONDS);
  return Number.isFinite(configured) && configured > 0 ? configured : 120;
}

/** A run refused because another run of the same lock is under way; names that run. */
export class JobOverlapError extends ConflictError {
  constructor(
    readonly kind: string,
    readonly runningJobId: string,
  ) {
    super(`A ${kind} run is already under way (job ${runningJobId}): a run cannot overlap itself.`);
  }
}

export interface StartJobRun {
  readonly type: JobKind;
  /** The lock the run holds. @default its type */
  readonly lock?: string;
  /** What it works on, `<kind>:<id>` (`backup:<id>`, `course:<id>`, `table:lms`). */
  readonly target?: (jobId: string) => string;
  readonly input?: Record<string, unknown>;
  /** `queued`: started on demand, a worker picks it up (`beginQueuedRun`). @default 'running' */
  readonly status?: 'queued' | 'running';
  /** Audit the start (a person's or a client's request). Scheduled runs are not audited. @default false */
  readonly audited?: boolean;
}

/** Where a queued run goes to be picked up by its worker (an SQS work queue). */
export interface RunQueue {
  send(jobId: string): Promise<void>;
}

/**
 * Requests a run on demand (an admin's `POST /backups`, a scheduled tick): the run is created `queued`,
 * holding its lock, and handed to its worker through `queue`. Throws JobOverlapError if one is under way.
 */
export async function requestJobRun(
  ports: JobRunPorts & { readonly queue: RunQueue },
  actor: Actor,
  start: Omit<StartJobRun, 'status'>,
): Promise<Job> {
  const job = await startJobRun(ports, actor, { ...start, status: 'queued' });
  try {
    await ports.queue.send(job.id);
  } catch (error) {
    // Not handed over: the run never starts, so it must not hold the lock nor look queued.
    await ports.jobs.releaseLock(start.lock ?? start.type, job.id);
    await ports.jobs
      .save(
        {
          ...job,
          status: 'failed',
          finishedAt: ports.runtime.now().toISOString(),
          leaseUntil: null,
          failure: {
            code: 'not-queued',
            message: `The run could not be queued: ${(error as Error).message}`,
          },
          version: job.version + 1,
        },
        job.version,
      )
      .catch(() => undefined);
    throw error;
  }
  return job;
}

/** Creates a run holding its lock, or throws JobOverlapError naming the run under way. */
export async function startJobRun(ports: JobRunPorts, actor: Actor, start: StartJobRun): Promise<Job> {
  const now = ports.runtime.now();
  const id = ports.runtime.newId();
  const leaseUntil = new Date(now.getTime() + leaseSeconds() * 1000).toISOString();
  const lock = start.lock ?? start.type;
  const taken = await ports.jobs.acquireLock(lock, id, leaseUntil, now.toISOString());
  if (!taken.acquired) throw new JobOverlapError(start.type, taken.heldBy);
  if (taken.abandoned) await recordAbandoned(ports, taken.abandoned);
  const status = start.status ?? 'running';
  const job: Job = {
    id,
    type: start.type,
    status,
    target: start.target?.(id) ?? `job:${id}`,
    createdBy: actorId(actor.principal),
    createdAt: now.toISOString(),
    startedAt: status === 'running' ? now.toISOString() : null,
    finishedAt: null,
    progress: { step: status === 'running' ? 'starting' : 'queued', done: 0, total: 0 },
    failure: null,
    findings: [],
    input: start.input ?? {},
    result: null,
    counts: {},
    outputs: {},
    leaseUntil,
    version: 1,
  };
  try {
    await ports.jobs.create(
      job,
      start.audited ? auditChange(ports.runtime, actor, 'job.started', `job:${id}`, null, job) : null,
    );
  } catch (error) {
    await ports.jobs.releaseLock(lock, id);
    throw error;
  }
  return job;
}

/** A run that died holding its lock: failed, so it is never listed as under way or complete. */
async function recordAbandoned(ports: JobRunPorts, jobId: string): Promise<void> {
  const job = await ports.jobs.get(jobId);
  if (!job || (job.status !== 'running' && job.status !== 'queued')) return;
  const at = ports.runtime.now().toISOString();
  await ports.jobs
    .save(
      {
        ...job,
        status: 'failed',
        finishedAt: at,
        leaseUntil: null,
        failure: {
          code: 'abandoned',
          message: `The run stopped at "${job.progress.step}" without finishing (its process ended) and let its lease lapse; nothing it wrote is marked complete.`,
        },
        version: job.version + 1,
      },
      job.version,
    )
    // Someone else recorded it first.
    .catch(() => undefined);
}

/** What a run's work reports as it goes. */
export interface JobRunProgress {
  readonly job: () => Job;
  /** Records the step and counts, and renews the lease (at most every few seconds). */
  progress(step: string, done: number, total: number, counts?: Record<string, number>): Promise<void>;
  /** Records an output's location. */
  output(name: string, location: string): void;
}

export interface JobRunOutcome {
  readonly result: Record<string, unknown>;
  readonly counts?: Record<string, number>;
  /** A run that finished its work but must be reported failed (a drill with differences). */
  readonly failure?: { code: string; message: string };
}

const SAVE_EVERY_MS = 2_000;

/**
 * Runs `work` as the run `job` (created by startJobRun): progress and outputs are saved as it goes, and its
 * end is recorded, succeeded, failed (what it threw, or the failure it reports), and the lock released. What
 * the work threw is rethrown after it is recorded, so the caller's failure accounting sees it.
 */
export async function runJob(
  ports: JobRunPorts,
  started: Job,
  work: (run: JobRunProgress) => Promise<JobRunOutcome>,
  options: { lock?: string } = {},
): Promise<Job> {
  const lock = options.lock ?? started.type;
  let job = started;
  if (job.status === 'queued') {
    job = await save(ports, job, {
      status: 'running',
      startedAt: ports.runtime.now().toISOString(),
      progress: { step: 'starting', done: 0, total: 0 },
    });
  }
  const outputs: Record<string, string> = { ...job.outputs };
  let lastSaved = Date.now();
  const run: JobRunProgress = {
    job: () => job,
    output: (name, location) => {
      outputs[name] = location;
    },
    progress: async (step, done, total, counts) => {
      const due = Date.now() - lastSaved >= SAVE_EVERY_MS;
      job = { ...job, progress: { step, done, total }, counts: counts ?? job.counts };
      if (!due) return;
      lastSaved = Date.now();
      const leaseUntil = new Date(ports.runtime.now().getTime() + leaseSeconds() * 1000).toISOString();
      if (!(await ports.jobs.renewLock(lock, job.id, leaseUntil)))
        throw new ConflictError(`Job ${job.id} lost its lock (its lease lapsed and another run took it).`);
      job = await save(ports, job, { leaseUntil, outputs: { ...outputs } });
    },
  };
  try {
    const outcome = await work(run);
    job = await save(ports, job, {
      status: outcome.failure ? 'failed' : 'succeeded',
      finishedAt: ports.runtime.now().toISOString(),
      failure: outcome.failure ?? null,
      result: outcome.result,
      counts: outcome.counts ?? job.counts,
      outputs: { ...outputs },
      progress: { ...job.progress, step: 'done' },
      leaseUntil: null,
    });
    return job;
  } catch (error) {
    job = await save(ports, job, {
      status: 'failed',
      finishedAt: ports.runtime.now().toISOString(),
      failure: {
        code: (error as { code?: string }).code ?? (error as Error).name ?? 'error',
        message: (error as Error).message,
      },
      outputs: { ...outputs },
      leaseUntil: null,
    }).catch(() => job);
    throw error;
  } finally {
    await ports.jobs.releaseLock(lock, job.id);
  }
}

/** Saves `change` over the run's stored version (the run is its only writer while it holds the lock). */
async function save(ports: JobRunPorts, job: Job, change: Partial<Job>): Promise<Job> {
  const stored = (await ports.jobs.get(job.id)) ?? job;
  const next: Job = { ...stored, ...job, ...change, version: stored.version + 1 };
  await ports.jobs.save(next, stored.version);
  return next;
}

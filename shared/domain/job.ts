/**
 * Jobs: imports, package processing, schedules. Each run is a record with a state, progress, counts,
 * findings and a result, behind one `GET /jobs/{id}`.
 */
import * as z from 'zod';
import { Id, IsoDateTime } from './common.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobFinding = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  file: z.string().optional(),
  element: z.string().optional(),
});

export const Job = z
  .object({
    id: Id,
    type: z.enum(['package-import']),
    status: JobStatus,
    /** What the job works on, `<kind>:<id>`. */
    target: z.string(),
    createdBy: z.string(),
    createdAt: IsoDateTime,
    startedAt: IsoDateTime.nullable(),
    finishedAt: IsoDateTime.nullable(),
    /** The step under way and how far it got. */
    progress: z.object({ step: z.string(), done: z.number().int(), total: z.number().int() }),
    /** Why it failed: a stable code and a sentence. */
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    findings: z.array(JobFinding),
    input: z.record(z.string(), z.unknown()),
    result: z.record(z.string(), z.unknown()).nullable(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const JobIdParams = z.strictObject({ id: Id });

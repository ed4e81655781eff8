/**
 * Jobs: package processing, the scheduled jobs, backups, restores, drills, exports. Each run is a record with
 * a state, progress, counts, outputs, findings and a result, behind `GET /jobs` and `GET /jobs/{id}`.
 */
import * as z from 'zod';
import { Id, IsoDateTime, PageQuery } from './common.ts';

/**
 * What a run does (`type`, filtered by `GET /jobs?kind=`). A scheduled job's runs carry its manifest name;
 * runs started on demand carry theirs.
 */
export const JOB_KINDS = [
  'package-import',
  'course-schedule',
  'compliance-sweep',
  'backup',
  'restore',
  'drill',
  'archival',
  'unarchive',
  'retention',
  'export',
  'report',
] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

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
    type: JobKind,
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
    /** What the run counted so far, by name (`items`, `rows`, `files`, ...). */
    counts: z.record(z.string(), z.number()).default({}),
    /** Where its outputs are, by name (`manifest: backups/<id>/manifest.json`). */
    outputs: z.record(z.string(), z.string()).default({}),
    /** Until when the run holds its kind's lock: a running run renews it as it progresses. */
    leaseUntil: IsoDateTime.nullable().default(null),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const JobIdParams = z.strictObject({ id: Id });

export const ListJobsQuery = PageQuery.extend({ kind: JobKind.optional(), status: JobStatus.optional() });
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

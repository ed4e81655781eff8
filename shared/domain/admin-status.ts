/** What GET /admin/status answers: the platform's state for an administrator, in one document. */
import * as z from 'zod';
import { BackupStatus } from './backup.ts';
import { Id, IsoDateTime } from './common.ts';
import { HealthReport } from './health.ts';
import { JobKind } from './job.ts';

const Count = z.number().int().min(0);

export const AdminStatus = z
  .object({
    time: IsoDateTime,
    /** Every dependency, as /health reports it. */
    health: HealthReport,
    /** Runs that failed in the last 24 hours, newest first (at most `limit` listed). */
    jobFailures: z.object({
      since: IsoDateTime,
      count: Count,
      /** More failed in the period than were read: `count` is a lower bound. */
      truncated: z.boolean(),
      recent: z.array(
        z.object({
          id: Id,
          kind: JobKind,
          failedAt: IsoDateTime.nullable(),
          code: z.string().nullable(),
          message: z.string().nullable(),
        }),
      ),
    }),
    /** The last good backup's age and the last drill; null when the table did not answer. */
    backups: BackupStatus.nullable(),
    /** Published courses by their learners' load-time p95 over the last 7 days, slowest first. */
    slowestCourses: z.object({
      since: IsoDateTime,
      coursesChecked: Count,
      /** The catalog holds more published courses than were checked. */
      truncated: z.boolean(),
      courses: z.array(
        z.object({
          courseId: Id,
          title: z.string(),
          launches: Count,
          p95Ms: z.number().int(),
        }),
      ),
    }),
    /** The API's answers over the last hour: CloudWatch in AWS, the local gateway's request log locally. */
    errorRate: z.object({
      source: z.enum(['cloudwatch', 'local-request-log']),
      since: IsoDateTime,
      requests: Count,
      clientErrors: Count,
      serverErrors: Count,
      /** Server errors per request; null without requests. */
      serverErrorRate: z.number().min(0).max(1).nullable(),
    }),
  })
  .meta({ id: 'AdminStatus' });
export type AdminStatus = z.infer<typeof AdminStatus>;

/**
 * GET /admin/status: the platform's state for an administrator in one answer, the same locally and in AWS.
 * 1. Health: every dependency probed at once (`checkHealth`).
 * 2. Job failures: the runs recorded failed in the last 24 hours (the jobs' own records, newest first).
 * 3. Backups: the last good backup's age and the last drill (`backupStatus`).
 * 4. Slowest courses: each published course's load-time p95 over the last 7 days, from its attempts.
 * 5. Error rate: the API's 4xx and 5xx over the last hour (CloudWatch in AWS, the gateway's log locally).
 */
import type { AdminStatus } from '../domain/admin-status.ts';
import type { BackupStatus } from '../domain/backup.ts';
import { backupStatus } from './backups.ts';
import { percentile } from './course-performance.ts';
import { checkHealth, type DependencyProbe } from './health.ts';
import type { JobRunPorts } from './job-runs.ts';
import type { AttemptRepository, CatalogRepository } from './ports.ts';

const HOUR_MS = 60 * 60 * 1000;
/** Failed runs listed (the count reads up to {@link FAILURES_READ}). */
const FAILURES_LISTED = 10;
const FAILURES_READ = 200;
/** Published courses checked for load times, and the attempts read per course (the newest). */
export const COURSES_CHECKED = 200;
const ATTEMPTS_PER_COURSE = 500;
const SLOWEST_LISTED = 5;
/** Courses whose attempts are read at once. */
const COURSES_AT_ONCE = 10;

/** The API's answers over a period. */
export interface ApiRequestStats {
  readonly source: AdminStatus['errorRate']['source'];
  counts(since: Date, until: Date): Promise<{ requests: number; clientErrors: number; serverErrors: number }>;
}

export interface AdminStatusPorts extends JobRunPorts {
  readonly probes: readonly DependencyProbe[];
  readonly catalog: Pick<CatalogRepository, 'listCourses'>;
  readonly attempts: Pick<AttemptRepository, 'ofCourse'>;
  readonly requests: ApiRequestStats;
}

export async function adminStatus(ports: AdminStatusPorts): Promise<AdminStatus> {
  const now = ports.runtime.now();
  const [health, jobFailures, backups, slowestCourses, errorRate] = await Promise.all([
    checkHealth(ports.probes, now),
    recentFailures(ports, new Date(now.getTime() - 24 * HOUR_MS)),
    backupStatus(ports, now).catch((): BackupStatus | null => null),
    slowestCoursesSince(ports, new Date(now.getTime() - 7 * 24 * HOUR_MS), now),
    errorRateSince(ports.requests, new Date(now.getTime() - HOUR_MS), now),
  ]);
  return { time: now.toISOString(), health, jobFailures, backups, slowestCourses, errorRate };
}

async function recentFailures(ports: JobRunPorts, since: Date): Promise<AdminStatus['jobFailures']> {
  const failed = [];
  let cursor: string | undefined;
  let more = true;
  let older = false;
  // Newest first: stop at the first run older than the period.
  while (more && !older && failed.length < FAILURES_READ) {
    const page = await ports.jobs.list({ status: 'failed' }, { limit: 50, cursor });
    for (const job of page.items) {
      if (Date.parse(job.finishedAt ?? job.createdAt) < since.getTime()) {
        older = true;
        break;
      }
      failed.push(job);
    }
    cursor = page.nextCursor ?? undefined;
    more = cursor !== undefined;
  }
  return {
    since: since.toISOString(),
    count: failed.length,
    truncated: more && !older,
    recent: failed.slice(0, FAILURES_LISTED).map((job) => ({
      id: job.id,
      kind: job.type,
      failedAt: job.finishedAt,
      code: job.failure?.code ?? null,
      message: job.failure?.message ?? null,
    })),
  };
}

async function slowestCoursesSince(
  ports: AdminStatusPorts,
  since: Date,
  now: Date,
): Promise<AdminStatus['slowestCourses']> {
  const courses = [];
  let cursor: string | undefined;
  do {
    const page = await ports.catalog.listCourses(
      { status: 'published' },
      { limit: Math.min(100, COURSES_CHECKED - courses.length), cursor },
    );
    courses.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && courses.length < COURSES_CHECKED);

  const measured: AdminStatus['slowestCourses']['courses'] = [];
  for (let at = 0; at < courses.length; at += COURSES_AT_ONCE) {
    await Promise.all(
      courses.slice(at, at + COURSES_AT_ONCE).map(async (course) => {
        const attempts = await ports.attempts.ofCourse(
          course.id,
          since.toISOString(),
          now.toISOString(),
          ATTEMPTS_PER_COURSE,
        );
        // Previews are an administrator's, not a learner's wait.
        const loads = attempts
          .filter((attempt) => !attempt.preview && attempt.loadMs !== null)
          .map((attempt) => attempt.loadMs as number)
          .sort((a, b) => a - b);
        const p95Ms = percentile(loads, 0.95);
        if (p95Ms !== null)
          measured.push({ courseId: course.id, title: course.title, launches: loads.length, p95Ms });
      }),
    );
  }
  return {
    since: since.toISOString(),
    coursesChecked: courses.length,
    truncated: cursor !== undefined,
    courses: measured
      .sort((a, b) => b.p95Ms - a.p95Ms || a.courseId.localeCompare(b.courseId))
      .slice(0, SLOWEST_LISTED),
  };
}

async function errorRateSince(
  requests: ApiRequestStats,
  since: Date,
  now: Date,
): Promise<AdminStatus['errorRate']> {
  const counts = await requests.counts(since, now);
  return {
    source: requests.source,
    since: since.toISOString(),
    ...counts,
    serverErrorRate: counts.requests === 0 ? null : Math.min(1, counts.serverErrors / counts.requests),
  };
}

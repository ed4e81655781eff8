/**
 * Course load times: how long learners wait between launching a course and its content running (launch to
 * the first Initialize or `initialized`), per content version and per day, with the launches that never got
 * that far and the errors the content reported. Previews are not counted.
 */
import type { Attempt, CoursePerformance } from '../domain/attempt.ts';
import { BusinessRuleError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { type EnrollmentDeps, ownedCourse } from './enrollment.ts';
import type { AttemptRepository } from './ports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest period one answer covers. */
const MAX_DAYS = 366;

export interface PerformanceDeps extends Pick<EnrollmentDeps, 'catalog' | 'runtime'> {
  attempts: Pick<AttemptRepository, 'ofCourse'>;
  /** The most launches one answer reads (the newest). */
  limit: number;
}

export async function coursePerformance(
  deps: PerformanceDeps,
  actor: Actor,
  courseId: string,
  query: { from?: string | undefined; to?: string | undefined },
): Promise<CoursePerformance> {
  await ownedCourse(deps, actor, courseId);
  const to = query.to ?? deps.runtime.now().toISOString();
  const from = query.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
  if (from >= to || Date.parse(to) - Date.parse(from) > MAX_DAYS * DAY_MS) {
    throw new BusinessRuleError(`The period must be positive and at most ${MAX_DAYS} days.`, [
      { path: 'query.from', message: `${from} .. ${to}` },
    ]);
  }
  const read = await deps.attempts.ofCourse(courseId, from, to, deps.limit + 1);
  const launches = read.slice(0, deps.limit).filter((attempt) => !attempt.preview);
  const byVersion = groupBy(launches, (attempt) => attempt.contentVersion);
  const byDay = groupBy(launches, (attempt) => attempt.launchedAt.slice(0, 10));
  return {
    courseId,
    from,
    to,
    overall: loadTimes(launches),
    byVersion: [...byVersion]
      .sort(([a], [b]) => b - a)
      .map(([contentVersion, group]) => ({ contentVersion, ...loadTimes(group) })),
    byDay: [...byDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, group]) => ({ day, ...loadTimes(group) })),
    errors: errorsOf(launches),
    truncated: read.length > deps.limit,
  };
}

function loadTimes(attempts: readonly Attempt[]) {
  const loads = sorted(attempts.flatMap((attempt) => (attempt.loadMs === null ? [] : [attempt.loadMs])));
  const pages = sorted(
    attempts.flatMap((attempt) => (attempt.pageLoadMs === null ? [] : [attempt.pageLoadMs])),
  );
  return {
    launches: attempts.length,
    neverInitialized: attempts.filter((attempt) => attempt.initializedAt === null).length,
    p50Ms: percentile(loads, 0.5),
    p95Ms: percentile(loads, 0.95),
    pageLoadP50Ms: percentile(pages, 0.5),
  };
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return values[Math.max(0, Math.ceil(p * values.length) - 1)] ?? null;
}

function sorted(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}

function errorsOf(attempts: readonly Attempt[]) {
  const byCode = new Map<number, { code: number; count: number; lastMessage: string; at: string }>();
  for (const error of attempts.flatMap((attempt) => attempt.errors)) {
    const entry = byCode.get(error.code) ?? {
      code: error.code,
      count: 0,
      lastMessage: error.message,
      at: error.at,
    };
    entry.count += 1;
    if (error.at >= entry.at) Object.assign(entry, { lastMessage: error.message, at: error.at });
    byCode.set(error.code, entry);
  }
  return [...byCode.values()]
    .sort((a, b) => b.count - a.count || a.code - b.code)
    .map(({ code, count, lastMessage }) => ({ code, count, lastMessage }));
}

function groupBy<K>(attempts: readonly Attempt[], key: (attempt: Attempt) => K): Map<K, Attempt[]> {
  const groups = new Map<K, Attempt[]>();
  for (const attempt of attempts) groups.set(key(attempt), [...(groups.get(key(attempt)) ?? []), attempt]);
  return groups;
}

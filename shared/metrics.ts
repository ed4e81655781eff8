/**
 * Business metrics: what the LMS did, as CloudWatch embedded metric format (Powertools Metrics) in the `LMS`
 * namespace, beside Lambda's own metrics of how its functions ran. A handler emits one where it learns the
 * outcome, flushed at once (a few per invocation at most). Only handlers and wirings import this module: use cases stay
 * free of it. Locally there is no CloudWatch, and the local stack turns them off (POWERTOOLS_METRICS_DISABLED).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { OutOfScopeError } from './domain/errors.ts';

export const METRICS_NAMESPACE = 'LMS';

export type BusinessMetric =
  /** New enrollments, from every source (as their domain events are published). */
  | 'EnrollmentsCreated'
  /** Package imports that produced a content version. */
  | 'PackageImportsSucceeded'
  /** Package imports that ended failed: a rejected package, or processing that failed every attempt. */
  | 'PackageImportsFailed'
  /** Job invocations that threw (Lambda retries them), by `job`. */
  | 'JobFailures'
  /** Sign-ins and sign-ups the Cognito triggers refused (a suspended LMS profile), by `trigger`. */
  | 'SignInsRefused'
  /** Logical backups that completed (their manifest written): an alarm fires when a day passes without one. */
  | 'BackupsCompleted'
  /** Items that differ between a restore drill's scratch table and its backup (an alarm fires above 0). */
  | 'DrillDifferences'
  /** Restore drills that completed, whatever they found. */
  | 'DrillsCompleted'
  /** Analytics exports that completed (their manifest written). */
  | 'ExportsCompleted';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE });

/**
 * Emits `count` of `metric` now, with `dimensions` beside the service's; nothing for a count of 0.
 * @example countMetric('SignInsRefused', 1, { trigger: 'PreTokenGeneration' });
 */
export function countMetric(
  metric: BusinessMetric,
  count: number,
  dimensions: Readonly<Record<string, string>> = {},
): void {
  if (count <= 0) return;
  const single = metrics.singleMetric();
  for (const [name, value] of Object.entries(dimensions)) single.addDimension(name, value);
  single.addMetric(metric, MetricUnit.Count, count);
}

/**
 * A job's handler that counts each invocation that throws as a `JobFailures` of the job (named as in the job
 * manifest), then rethrows for Lambda's retries.
 *
 * @example export const handler = countingFailures(courseSchedule.name, async (event) => ...);
 */
export function countingFailures<A extends unknown[], R>(
  job: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      countMetric('JobFailures', 1, { job });
      throw error;
    }
  };
}

/**
 * A Cognito trigger's handler that counts each refusal (the use case's OutOfScopeError, which Cognito shows
 * the person) as a `SignInsRefused` of the trigger, then rethrows it so Cognito refuses.
 *
 * @example export const handler = countingRefusals('PreTokenGeneration', async (event) => ...);
 */
export function countingRefusals<A extends unknown[], R>(
  trigger: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof OutOfScopeError) countMetric('SignInsRefused', 1, { trigger });
      throw error;
    }
  };
}

/**
 * Powertools' `ColdStart` (1, with `service` and `function_name`) on the function's first invocation, nothing
 * after: the dashboard graphs where people wait for a new execution environment.
 * @example coldStartMetric(context.functionName);
 */
export function coldStartMetric(functionName: string): void {
  metrics.captureColdStartMetric(functionName);
}

/** The metric of course load times (launch to the content's first initialisation). */
export const COURSE_LOAD_TIME_METRIC = 'CourseLoadTime';

/**
 * One course load time, twice: with the course as a dimension (its dashboard and drill-down; the catalog
 * bounds how many series there are) and without (the alarm on every course's p95).
 */
export function emitLoadTime(courseId: string, contentVersion: number, loadMs: number): void {
  for (const dimensions of [{ CourseId: courseId }, {}]) {
    const single = metrics.singleMetric();
    for (const [name, value] of Object.entries(dimensions)) single.addDimension(name, value);
    single.addMetadata('contentVersion', String(contentVersion));
    single.addMetric(COURSE_LOAD_TIME_METRIC, MetricUnit.Milliseconds, loadMs);
  }
}

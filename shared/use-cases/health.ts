/**
 * Platform health: probe every dependency at once, each with a deadline, and report each one. The platform
 * is `ok` only when all are up; one down makes it `degraded` (and the route answers 503).
 */
import type { HealthReport } from '../domain/health.ts';

export interface DependencyProbe {
  name: string;
  kind: HealthReport['dependencies'][number]['kind'];
  /** Resolves when the dependency answers; rejects (or is aborted) otherwise. */
  check(signal: AbortSignal): Promise<unknown>;
}

export async function checkHealth(
  probes: readonly DependencyProbe[],
  now: Date,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const dependencies = await Promise.all(
    probes.map(async (probe) => {
      const started = performance.now();
      const status = await probe
        .check(AbortSignal.timeout(timeoutMs))
        .then(() => 'up' as const)
        .catch(() => 'down' as const);
      return {
        name: probe.name,
        kind: probe.kind,
        status,
        latencyMs: Math.round(performance.now() - started),
      };
    }),
  );
  return {
    status: dependencies.every((dependency) => dependency.status === 'up') ? 'ok' : 'degraded',
    time: now.toISOString(),
    dependencies,
  };
}

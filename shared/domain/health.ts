/** The health report: one line per dependency the platform cannot work without. */
import * as z from 'zod';

export const HealthReport = z
  .object({
    status: z.enum(['ok', 'degraded']),
    time: z.iso.datetime(),
    dependencies: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['table', 'bucket', 'user-pool']),
        status: z.enum(['up', 'down']),
        latencyMs: z.number(),
      }),
    ),
  })
  .meta({ id: 'HealthReport' });
export type HealthReport = z.infer<typeof HealthReport>;

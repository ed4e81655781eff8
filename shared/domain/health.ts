/** The health report: one line per dependency the platform cannot work without. */
import * as z from 'zod';
import { BackupStatus } from './backup.ts';

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

/**
 * What administrators see besides: the backups' status (the last good backup's age, the last drill); null
 * when the table did not answer.
 */
export const HealthDetail = HealthReport.extend({ backups: BackupStatus.nullable() }).meta({
  id: 'HealthDetail',
});
export type HealthDetail = z.infer<typeof HealthDetail>;

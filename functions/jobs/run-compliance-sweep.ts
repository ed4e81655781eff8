import type { ScheduledEvent } from 'aws-lambda';
import { systemActor } from '../../shared/domain/principal.ts';
import { logger } from '../../shared/http/logger.ts';
import { complianceSweep as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { runComplianceSweep } from '../../shared/use-cases/compliance.ts';

const ports = enrollmentPorts();

/** EventBridge schedule: overdue flags, recertification enrollments and expiries that are due. */
export const handler = countingFailures(job.name, async (event: Partial<ScheduledEvent> = {}) => {
  const at = event.time ? new Date(event.time) : new Date();
  const actor = systemActor(`job:${job.name}`, event.id ?? `${job.name}:${at.toISOString()}`);
  const result = await runComplianceSweep(ports, actor, at);
  logger.info('compliance sweep ran', { ...result });
  return result;
});

import { complianceSweep as job } from '../../shared/jobs/manifest.ts';
import { scheduledRunHandler } from '../../shared/jobs/run-handlers.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { runComplianceSweep } from '../../shared/use-cases/compliance.ts';

const ports = enrollmentPorts();

/** EventBridge schedule: overdue flags, recertification enrollments and expiries that are due. */
export const handler = scheduledRunHandler(job, ports, async ({ actor, at }) => {
  const result = await runComplianceSweep(ports, actor, at);
  return { result: { ...result }, counts: { ...result } };
});

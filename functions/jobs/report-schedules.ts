import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { reportSchedules as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { reportScheduleTickPorts } from '../../shared/store/report-schedule-wiring.ts';
import { runReportScheduleTick } from '../../shared/use-cases/report-schedules.ts';

const ports = reportScheduleTickPorts();

/**
 * EventBridge schedule, every 5 minutes: requests the report runs due and mails the runs that ended. Not a
 * recorded run holding a lock: each schedule's slot and each delivery is claimed by a conditional write, so
 * two ticks at once never run or mail anything twice.
 */
export const handler = countingFailures(job.name, async (event: Partial<ScheduledEvent> = {}) => {
  const at = event.time ? new Date(event.time) : new Date();
  const result = await runReportScheduleTick(ports, at);
  logger.info('report schedules ticked', { job: job.name, ...result });
  return result;
});

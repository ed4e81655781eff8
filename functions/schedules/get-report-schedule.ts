import { httpHandler } from '../../shared/http/handler.ts';
import { getReportSchedule as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { getReportSchedule } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ params, principal }) => {
  const schedule = await getReportSchedule(ports, principal, params.id);
  return { body: schedule, version: schedule.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { updateReportSchedule as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { updateReportSchedule } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const schedule = await updateReportSchedule(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: schedule, version: schedule.version };
});

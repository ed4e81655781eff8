import { httpHandler } from '../../shared/http/handler.ts';
import { deleteReportSchedule as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { deleteReportSchedule } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  await deleteReportSchedule(ports, { principal, requestId }, params.id, ifMatch);
  return {};
});

import { httpHandler } from '../../shared/http/handler.ts';
import { createReportSchedule as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { createReportSchedule } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ body, principal, requestId }) => {
  const schedule = await createReportSchedule(ports, { principal, requestId }, body);
  return {
    body: schedule,
    version: schedule.version,
    headers: { location: `/report-schedules/${schedule.id}` },
  };
});

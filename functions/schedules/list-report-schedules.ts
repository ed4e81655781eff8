import { httpHandler } from '../../shared/http/handler.ts';
import { listReportSchedules as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { listReportSchedules } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ query, principal }) => ({
  body: await listReportSchedules(ports, principal, { limit: query.limit, cursor: query.cursor }),
}));

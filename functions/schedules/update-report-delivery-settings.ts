import { httpHandler } from '../../shared/http/handler.ts';
import { updateReportDeliverySettings as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { updateReportDeliverySettings } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async ({ body, ifMatch, principal, requestId }) => {
  const settings = await updateReportDeliverySettings(ports, { principal, requestId }, ifMatch, body);
  return { body: settings, version: settings.version };
});

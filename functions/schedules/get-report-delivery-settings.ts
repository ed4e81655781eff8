import { httpHandler } from '../../shared/http/handler.ts';
import { getReportDeliverySettings as route } from '../../shared/routes/report-schedules.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { reportDeliverySettings } from '../../shared/use-cases/report-schedules.ts';

const ports = reportSchedulePorts();

export const handler = httpHandler(route, async () => {
  const settings = await reportDeliverySettings(ports);
  return { body: settings, version: settings.version };
});

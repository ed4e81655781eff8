import { httpHandler } from '../../shared/http/handler.ts';
import { getReportRunChart as route } from '../../shared/routes/reports.ts';
import { reportReadPorts } from '../../shared/store/report-wiring.ts';
import { reportRunChart } from '../../shared/use-cases/reports.ts';

const ports = reportReadPorts();

export const handler = httpHandler(route, async ({ params, principal }) => ({
  body: await reportRunChart(ports, principal, params.id),
  headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'private, max-age=300' },
}));

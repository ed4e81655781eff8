import { httpHandler } from '../../shared/http/handler.ts';
import { getReportRun as route } from '../../shared/routes/reports.ts';
import { reportReadPorts } from '../../shared/store/report-wiring.ts';
import { readReportRun } from '../../shared/use-cases/reports.ts';

const ports = reportReadPorts();

export const handler = httpHandler(route, async ({ params, query, principal }) => ({
  body: await readReportRun(ports, principal, params.id, query),
}));

import { httpHandler } from '../../shared/http/handler.ts';
import { getReportRunCsv as route } from '../../shared/routes/reports.ts';
import { reportReadPorts } from '../../shared/store/report-wiring.ts';
import { reportRunCsv } from '../../shared/use-cases/reports.ts';

const ports = reportReadPorts();

/** A redirect to the presigned download, so `curl -L` (or a browser) gets the CSV itself. */
export const handler = httpHandler(route, async ({ params, principal }) => {
  const download = await reportRunCsv(ports, principal, params.id);
  return { body: download, headers: { location: download.url } };
});

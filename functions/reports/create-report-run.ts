import { httpHandler } from '../../shared/http/handler.ts';
import { createReportRun as route } from '../../shared/routes/reports.ts';
import { reportRequestPorts } from '../../shared/store/report-wiring.ts';
import { requestReportRun } from '../../shared/use-cases/reports.ts';

const ports = reportRequestPorts();

/** Queues the run for the reports worker (run-reports); the run is followed at GET /reports/runs/{id}. */
export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const job = await requestReportRun(ports, principal, params.name, body, undefined, requestId);
  return { body: job, version: job.version, headers: { location: `/reports/runs/${job.id}` } };
});

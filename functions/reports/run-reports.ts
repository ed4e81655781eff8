import { runReports as job } from '../../shared/jobs/manifest.ts';
import { queuedRunHandler } from '../../shared/jobs/run-handlers.ts';
import { ReportRunInput } from '../../shared/reports/run.ts';
import { reportWorkerPorts } from '../../shared/store/report-wiring.ts';
import { reportRunLock, runReportRun } from '../../shared/use-cases/reports.ts';

const ports = reportWorkerPorts();

/** The reports queue: one message is one requested report run (POST /reports/{name}/runs, a schedule). */
export const handler = queuedRunHandler(
  job,
  ports,
  ({ job: requested, run }) => runReportRun(ports, requested, run),
  {
    // The lock the request took: one per report, requester and parameters.
    lock: (requested) => reportRunLock(ReportRunInput.parse(requested.input)),
  },
);

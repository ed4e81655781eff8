import { runExports as job } from '../../shared/jobs/manifest.ts';
import { queuedRunHandler } from '../../shared/jobs/run-handlers.ts';
import { countMetric } from '../../shared/metrics.ts';
import { analyticsExportPorts } from '../../shared/store/analytics-wiring.ts';
import { runAnalyticsExport } from '../../shared/use-cases/analytics-export.ts';

const ports = analyticsExportPorts();

/** The exports queue: one message is one requested export run (POST /exports, or the daily schedule). */
export const handler = queuedRunHandler(job, ports, async ({ run }) => {
  const outcome = await runAnalyticsExport(ports, run);
  countMetric('ExportsCompleted', 1);
  return outcome;
});

import { runRestores as job } from '../../shared/jobs/manifest.ts';
import { queuedRunHandler } from '../../shared/jobs/run-handlers.ts';
import { countMetric } from '../../shared/metrics.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runDrill, runRestore } from '../../shared/use-cases/backups.ts';

const ports = backupPorts();

/** The restores queue: one message is one restore or restore drill run. */
export const handler = queuedRunHandler(job, ports, async ({ job: requested, run }) => {
  if (requested.type !== 'drill') return runRestore(ports, run);
  const outcome = await runDrill(ports, run);
  const differences = Number(outcome.result.differences ?? 0);
  countMetric('DrillsCompleted', 1);
  // Any difference alarms (an alarm on DrillDifferences > 0).
  countMetric('DrillDifferences', differences);
  return outcome;
});

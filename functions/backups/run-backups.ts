import { runBackups as job } from '../../shared/jobs/manifest.ts';
import { queuedRunHandler } from '../../shared/jobs/run-handlers.ts';
import { countMetric } from '../../shared/metrics.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { takeBackup } from '../../shared/use-cases/backups.ts';

const ports = backupPorts();

/** The backups queue: one message is one requested backup run (an admin's, or the daily one). */
export const handler = queuedRunHandler(job, ports, async ({ job: requested, run }) => {
  const segments = typeof requested.input.segments === 'number' ? requested.input.segments : undefined;
  const outcome = await takeBackup(ports, run, { segments });
  countMetric('BackupsCompleted', 1);
  return outcome;
});

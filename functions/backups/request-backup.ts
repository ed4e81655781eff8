import { backup as job } from '../../shared/jobs/manifest.ts';
import { runRequestHandler } from '../../shared/jobs/run-handlers.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { DEFAULT_SEGMENTS } from '../../shared/use-cases/backups.ts';

/** Daily: requests a backup run from the backups worker, as POST /backups does (skipped while one runs). */
export const handler = runRequestHandler(
  job,
  'backup',
  { ...backupPorts(), queue: runQueue('backups') },
  () => ({ reason: 'scheduled', segments: DEFAULT_SEGMENTS }),
);

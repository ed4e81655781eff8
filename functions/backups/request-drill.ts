import { drill as job } from '../../shared/jobs/manifest.ts';
import { runRequestHandler } from '../../shared/jobs/run-handlers.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';

/** Weekly: requests a drill of the latest complete backup (the worker picks it when the drill starts). */
export const handler = runRequestHandler(
  job,
  'drill',
  { ...backupPorts(), queue: runQueue('restores') },
  () => ({
    reason: 'scheduled',
  }),
);

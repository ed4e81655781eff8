import { httpHandler } from '../../shared/http/handler.ts';
import { restoreBackup as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { requestRestore } from '../../shared/use-cases/backups.ts';

const ports = { ...backupPorts(), queue: runQueue('restores') };

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const job = await requestRestore(ports, { principal, requestId }, params.id, body);
  return { body: job, version: job.version, headers: { location: `/jobs/${job.id}` } };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { drillBackup as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { requestDrill } from '../../shared/use-cases/backups.ts';

const ports = { ...backupPorts(), queue: runQueue('restores') };

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const job = await requestDrill(ports, { principal, requestId }, params.id);
  return { body: job, version: job.version, headers: { location: `/jobs/${job.id}` } };
});

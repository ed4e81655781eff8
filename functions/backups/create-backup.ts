import { httpHandler } from '../../shared/http/handler.ts';
import { createBackup as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { requestBackup } from '../../shared/use-cases/backups.ts';

const ports = { ...backupPorts(), queue: runQueue('backups') };

export const handler = httpHandler(route, async ({ body, principal, requestId }) => {
  const job = await requestBackup(ports, { principal, requestId }, { segments: body?.segments });
  return { body: job, version: job.version, headers: { location: `/jobs/${job.id}` } };
});

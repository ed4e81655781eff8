import { httpHandler } from '../../shared/http/handler.ts';
import { getBackup as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { getBackup } from '../../shared/use-cases/backups.ts';

const ports = backupPorts();

export const handler = httpHandler(route, async ({ params }) => ({
  body: await getBackup(ports, params.id),
}));

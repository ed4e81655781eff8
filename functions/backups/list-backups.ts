import { httpHandler } from '../../shared/http/handler.ts';
import { listBackups as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { listBackups } from '../../shared/use-cases/backups.ts';

const ports = backupPorts();

export const handler = httpHandler(route, async ({ query }) => ({ body: await listBackups(ports, query) }));

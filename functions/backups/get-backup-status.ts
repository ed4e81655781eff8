import { httpHandler } from '../../shared/http/handler.ts';
import { getBackupStatus as route } from '../../shared/routes/backups.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { backupStatus } from '../../shared/use-cases/backups.ts';

const ports = backupPorts();

export const handler = httpHandler(route, async () => ({
  body: await backupStatus(ports, ports.runtime.now()),
  headers: { 'cache-control': 'no-store' },
}));

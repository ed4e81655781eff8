import { httpHandler } from '../../shared/http/handler.ts';
import { getAdminStatus as route } from '../../shared/routes/admin-status.ts';
import { adminStatusPorts } from '../../shared/store/admin-status-wiring.ts';
import { adminStatus } from '../../shared/use-cases/admin-status.ts';

const ports = adminStatusPorts();

export const handler = httpHandler(route, async () => ({
  body: await adminStatus(ports),
  headers: { 'cache-control': 'no-store' },
}));

import { httpHandler } from '../../shared/http/handler.ts';
import { listApiClients as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { listApiClients } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async () => ({ body: { items: await listApiClients(ports) } }));

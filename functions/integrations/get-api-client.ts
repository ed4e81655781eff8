import { httpHandler } from '../../shared/http/handler.ts';
import { getApiClient as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { getApiClient } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ params }) => {
  const client = await getApiClient(ports, params.clientId);
  return { body: client, version: client.version };
});

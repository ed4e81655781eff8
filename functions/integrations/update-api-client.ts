import { httpHandler } from '../../shared/http/handler.ts';
import { updateApiClient as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { updateApiClient } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const client = await updateApiClient(ports, { principal, requestId }, params.clientId, ifMatch, body);
  return { body: client, version: client.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { revokeApiClient as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { revokeApiClient } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  await revokeApiClient(ports, { principal, requestId }, params.clientId, ifMatch);
  return {};
});

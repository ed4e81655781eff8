import { httpHandler } from '../../shared/http/handler.ts';
import { retireApiClientSecret as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { retireApiClientSecret } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const client = await retireApiClientSecret(
    ports,
    { principal, requestId },
    params.clientId,
    params.secretId,
    ifMatch,
  );
  return { body: client, version: client.version };
});

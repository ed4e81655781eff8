import { httpHandler } from '../../shared/http/handler.ts';
import { issueApiClientSecret as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { issueApiClientSecret } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const issued = await issueApiClientSecret(ports, { principal, requestId }, params.clientId, ifMatch);
  // The secret is in this response only: no cache on the way may keep it.
  return { body: issued, version: issued.client.version, headers: { 'cache-control': 'no-store' } };
});

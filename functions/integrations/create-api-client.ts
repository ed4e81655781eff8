import { httpHandler } from '../../shared/http/handler.ts';
import { createApiClient as route } from '../../shared/routes/api-clients.ts';
import { apiClientPorts } from '../../shared/store/api-client-wiring.ts';
import { createApiClient } from '../../shared/use-cases/api-clients.ts';

const ports = apiClientPorts();

export const handler = httpHandler(route, async ({ body, principal, requestId }) => {
  const created = await createApiClient(ports, { principal, requestId }, body);
  // The secret is in this response only: no cache on the way may keep it.
  return { body: created, version: created.client.version, headers: { 'cache-control': 'no-store' } };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { createScimToken as route } from '../../shared/routes/scim-tokens.ts';
import { scimTokenPorts } from '../../shared/store/scim-token-wiring.ts';
import { createScimToken } from '../../shared/use-cases/scim-tokens.ts';

const ports = scimTokenPorts();

export const handler = httpHandler(route, async ({ body, principal, requestId }) => {
  const created = await createScimToken(ports, { principal, requestId }, body);
  // The secret is in this response only: no cache on the way may keep it.
  return { body: created, headers: { 'cache-control': 'no-store' } };
});

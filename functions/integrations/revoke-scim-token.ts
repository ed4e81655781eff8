import { httpHandler } from '../../shared/http/handler.ts';
import { revokeScimToken as route } from '../../shared/routes/scim-tokens.ts';
import { scimTokenPorts } from '../../shared/store/scim-token-wiring.ts';
import { revokeScimToken } from '../../shared/use-cases/scim-tokens.ts';

const ports = scimTokenPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await revokeScimToken(ports, { principal, requestId }, params.id);
  return {};
});

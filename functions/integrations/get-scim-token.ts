import { httpHandler } from '../../shared/http/handler.ts';
import { getScimToken as route } from '../../shared/routes/scim-tokens.ts';
import { scimTokenPorts } from '../../shared/store/scim-token-wiring.ts';
import { getScimToken } from '../../shared/use-cases/scim-tokens.ts';

const ports = scimTokenPorts();

export const handler = httpHandler(route, async ({ params }) => ({
  body: await getScimToken(ports, params.id),
}));

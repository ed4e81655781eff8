import { httpHandler } from '../../shared/http/handler.ts';
import { listScimTokens as route } from '../../shared/routes/scim-tokens.ts';
import { scimTokenPorts } from '../../shared/store/scim-token-wiring.ts';
import { listScimTokens } from '../../shared/use-cases/scim-tokens.ts';

const ports = scimTokenPorts();

export const handler = httpHandler(route, async () => ({ body: { items: await listScimTokens(ports) } }));

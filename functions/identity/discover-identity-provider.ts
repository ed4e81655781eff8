import { httpHandler } from '../../shared/http/handler.ts';
import { discoverIdentityProvider as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { discoverIdentityProvider } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await discoverIdentityProvider(ports, query.email),
}));

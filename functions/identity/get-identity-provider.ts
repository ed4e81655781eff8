import { httpHandler } from '../../shared/http/handler.ts';
import { getIdentityProvider as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { getIdentityProvider } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = httpHandler(route, async ({ params }) => {
  const provider = await getIdentityProvider(ports, params.id);
  return { body: provider, version: provider.version };
});

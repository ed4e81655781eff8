import { httpHandler } from '../../shared/http/handler.ts';
import { updateIdentityProvider as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { updateIdentityProvider } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const provider = await updateIdentityProvider(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: provider, version: provider.version };
});

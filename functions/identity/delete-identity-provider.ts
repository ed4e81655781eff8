import { httpHandler } from '../../shared/http/handler.ts';
import { deleteIdentityProvider as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { deleteIdentityProvider } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await deleteIdentityProvider(ports, { principal, requestId }, params.id);
  return {};
});

import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createIdentityProvider as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { createIdentityProvider } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const provider = await createIdentityProvider(ports, { principal, requestId }, body);
  return { body: provider, version: provider.version };
});

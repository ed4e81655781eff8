import { httpHandler } from '../../shared/http/handler.ts';
import { listIdentityProviders as route } from '../../shared/routes/identity-providers.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { listIdentityProviders } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

export const handler = httpHandler(route, async () => ({
  body: { items: await listIdentityProviders(ports) },
}));

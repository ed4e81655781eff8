import { httpHandler } from '../../shared/http/handler.ts';
import { setUserRoles as route } from '../../shared/routes/identity.ts';
import { identityPorts } from '../../shared/store/identity-wiring.ts';
import { setUserRoles } from '../../shared/use-cases/identity.ts';

const ports = identityPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => ({
  body: await setUserRoles(ports, { principal, requestId }, params.id, body),
}));

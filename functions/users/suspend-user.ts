import { httpHandler } from '../../shared/http/handler.ts';
import { suspendUser as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { suspendUser } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const user = await suspendUser(ports, { principal, requestId }, params.id, ifMatch, body.reason);
  return { body: user, version: user.version };
});

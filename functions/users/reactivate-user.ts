import { httpHandler } from '../../shared/http/handler.ts';
import { reactivateUser as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { reactivateUser } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const user = await reactivateUser(ports, { principal, requestId }, params.id, ifMatch);
  return { body: user, version: user.version };
});

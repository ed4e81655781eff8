import { httpHandler } from '../../shared/http/handler.ts';
import { updateUser as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { updateUser } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const user = await updateUser(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: user, version: user.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { getUser as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { getUser } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const user = await getUser(ports, { principal, requestId }, params.id);
  return { body: user, version: user.version };
});

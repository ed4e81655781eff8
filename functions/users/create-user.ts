import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createUser as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createUser } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const user = await createUser(ports, { principal, requestId }, body);
  return { body: user, version: user.version, headers: { location: `/users/${user.id}` } };
});

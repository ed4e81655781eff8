import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createUser as route } from '../../shared/routes/users.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { createPerson } from '../../shared/use-cases/users.ts';

const ports = peopleWithLoginsPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const user = await createPerson(ports, { principal, requestId }, body);
  return { body: user, version: user.version, headers: { location: `/users/${user.id}` } };
});

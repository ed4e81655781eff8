import { httpHandler } from '../../shared/http/handler.ts';
import { deleteScimUser as route } from '../../shared/routes/scim.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { deprovisionUser } from '../../shared/use-cases/scim-users.ts';

const ports = peopleWithLoginsPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  await deprovisionUser(ports, { principal, requestId }, params.id, ifMatch);
  return {};
});

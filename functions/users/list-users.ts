import { httpHandler } from '../../shared/http/handler.ts';
import { listUsers as route } from '../../shared/routes/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { listUsers } from '../../shared/use-cases/users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ query, principal, requestId }) => {
  const { limit, cursor, ...filter } = query;
  return { body: await listUsers(ports, { principal, requestId }, filter, { limit, cursor }) };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { listDepartments as route } from '../../shared/routes/departments.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { listDepartments } from '../../shared/use-cases/departments.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ query, principal, requestId }) => {
  const { limit, cursor, ...filter } = query;
  return { body: await listDepartments(ports, { principal, requestId }, filter, { limit, cursor }) };
});

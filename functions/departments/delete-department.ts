import { httpHandler } from '../../shared/http/handler.ts';
import { deleteDepartment as route } from '../../shared/routes/departments.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { deleteDepartment } from '../../shared/use-cases/departments.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  await deleteDepartment(ports, { principal, requestId }, params.id, ifMatch);
  return {};
});

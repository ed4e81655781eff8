import { httpHandler } from '../../shared/http/handler.ts';
import { updateDepartment as route } from '../../shared/routes/departments.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { updateDepartment } from '../../shared/use-cases/departments.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const department = await updateDepartment(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: department, version: department.version };
});

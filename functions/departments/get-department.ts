import { httpHandler } from '../../shared/http/handler.ts';
import { getDepartment as route } from '../../shared/routes/departments.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { getDepartment } from '../../shared/use-cases/departments.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const department = await getDepartment(ports, { principal, requestId }, params.id);
  return { body: department, version: department.version };
});

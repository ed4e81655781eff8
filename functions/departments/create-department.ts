import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createDepartment as route } from '../../shared/routes/departments.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createDepartment } from '../../shared/use-cases/departments.ts';

const ports = organisationPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const department = await createDepartment(ports, { principal, requestId }, body);
  return {
    body: department,
    version: department.version,
    headers: { location: `/departments/${department.id}` },
  };
});

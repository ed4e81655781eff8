import { httpHandler } from '../../shared/http/handler.ts';
import { deleteScimGroup as route } from '../../shared/routes/scim.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { deleteScimGroup } from '../../shared/use-cases/scim-groups.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  await deleteScimGroup(ports, { principal, requestId }, params.id, ifMatch);
  return {};
});

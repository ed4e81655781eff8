import { httpHandler } from '../../shared/http/handler.ts';
import { removeCohortMember as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { removeStaticMember } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await removeStaticMember(ports, { principal, requestId }, params.id, params.userId);
  return {};
});

import { httpHandler } from '../../shared/http/handler.ts';
import { listCohortMembers as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { listCohortMembers } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await listCohortMembers(ports, { principal, requestId }, params.id, query),
}));

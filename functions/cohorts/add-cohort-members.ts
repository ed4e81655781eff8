import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { addCohortMembers as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { addStaticMembers } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = idempotentHttpHandler(route, async ({ params, body, principal, requestId }) => ({
  body: { results: await addStaticMembers(ports, { principal, requestId }, params.id, body.userIds) },
}));

import { httpHandler } from '../../shared/http/handler.ts';
import { updateCohort as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { updateCohort } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const cohort = await updateCohort(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: cohort, version: cohort.version };
});

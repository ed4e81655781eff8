import { httpHandler } from '../../shared/http/handler.ts';
import { reevaluateCohort as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { reevaluateCohort } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const cohort = await reevaluateCohort(ports, { principal, requestId }, params.id);
  return { body: cohort, version: cohort.version };
});

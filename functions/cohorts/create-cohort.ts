import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createCohort as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { createCohort } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const cohort = await createCohort(ports, { principal, requestId }, body);
  return { body: cohort, version: cohort.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { getCohort as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { getCohort } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params }) => {
  const cohort = await getCohort(ports, params.id);
  return { body: cohort, version: cohort.version };
});

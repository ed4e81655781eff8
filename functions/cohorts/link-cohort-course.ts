import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { linkCohortCourse as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { linkCohortToCourse } from '../../shared/use-cases/cohort-enrollment.ts';

const ports = cohortPorts();

export const handler = idempotentHttpHandler(route, async ({ params, body, principal, requestId }) => ({
  body: await linkCohortToCourse(ports, { principal, requestId }, params.id, body),
}));

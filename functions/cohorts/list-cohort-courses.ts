import { httpHandler } from '../../shared/http/handler.ts';
import { listCohortCourses as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { listCohortLinks } from '../../shared/use-cases/cohort-enrollment.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params }) => ({
  body: { items: await listCohortLinks(ports, params.id) },
}));

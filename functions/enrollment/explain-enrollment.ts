import { httpHandler } from '../../shared/http/handler.ts';
import { explainEnrollment as route } from '../../shared/routes/enrollment.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { explainEnrollment } from '../../shared/use-cases/enrollment.ts';

// Cohort ports: explain names the cohorts behind cohort sources.
const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => ({
  body: await explainEnrollment(ports, { principal, requestId }, params.id, params.courseId),
}));

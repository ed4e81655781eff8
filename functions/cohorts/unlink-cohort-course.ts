import { httpHandler } from '../../shared/http/handler.ts';
import { unlinkCohortCourse as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { unlinkCohortFromCourse } from '../../shared/use-cases/cohort-enrollment.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await unlinkCohortFromCourse(ports, { principal, requestId }, params.id, params.courseId);
  return {};
});

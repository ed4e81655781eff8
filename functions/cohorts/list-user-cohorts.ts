import { httpHandler } from '../../shared/http/handler.ts';
import { listUserCohorts as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { listUserCohorts } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => ({
  body: { items: await listUserCohorts(ports, { principal, requestId }, params.id) },
}));

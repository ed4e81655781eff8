import { httpHandler } from '../../shared/http/handler.ts';
import { listCohorts as route } from '../../shared/routes/cohorts.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { listCohorts } from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ query }) => ({ body: await listCohorts(ports, query) }));

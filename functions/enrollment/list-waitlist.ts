import { httpHandler } from '../../shared/http/handler.ts';
import { listWaitlist as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { listWaitlist } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await listWaitlist(ports, { principal, requestId }, params.id, query),
}));

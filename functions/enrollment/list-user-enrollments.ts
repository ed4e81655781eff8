import { httpHandler } from '../../shared/http/handler.ts';
import { listUserEnrollments as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { listUserEnrollments } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => ({
  body: { items: await listUserEnrollments(ports, { principal, requestId }, params.id) },
}));

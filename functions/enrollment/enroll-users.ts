import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { enrollUsers as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { enrollUsers } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = idempotentHttpHandler(route, async ({ params, body, principal, requestId }) => ({
  body: { results: await enrollUsers(ports, { principal, requestId }, params.id, body) },
}));

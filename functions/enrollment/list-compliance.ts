import { httpHandler } from '../../shared/http/handler.ts';
import { listCompliance as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { listCompliance } from '../../shared/use-cases/compliance.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ query, principal, requestId }) => ({
  body: await listCompliance(ports, { principal, requestId }, query),
}));

import { httpHandler } from '../../shared/http/handler.ts';
import { getEnrollment as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { getEnrollment } from '../../shared/use-cases/compliance.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const enrollment = await getEnrollment(ports, { principal, requestId }, params.id, params.userId);
  return { body: enrollment, version: enrollment.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { updateEnrollment as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { updateEnrollmentDue } from '../../shared/use-cases/compliance.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const actor = { principal, requestId };
  const enrollment = await updateEnrollmentDue(ports, actor, params.id, params.userId, ifMatch, body);
  return { body: enrollment, version: enrollment.version };
});

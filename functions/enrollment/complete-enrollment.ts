import { httpHandler } from '../../shared/http/handler.ts';
import { completeEnrollment as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { completeEnrollment } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const enrollment = await completeEnrollment(
    ports,
    { principal, requestId },
    params.id,
    params.userId,
    body,
  );
  return { body: enrollment, version: enrollment.version };
});

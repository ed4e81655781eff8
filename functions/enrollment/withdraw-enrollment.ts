import { httpHandler } from '../../shared/http/handler.ts';
import { withdrawEnrollment as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { withdrawEnrollment } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const enrollment = await withdrawEnrollment(
    ports,
    { principal, requestId },
    params.id,
    params.userId,
    body.reason,
  );
  return { body: enrollment, version: enrollment.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { explainEnrollment as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { explainEnrollment } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => ({
  body: await explainEnrollment(ports, { principal, requestId }, params.id, params.courseId),
}));

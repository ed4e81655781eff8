import { httpHandler } from '../../shared/http/handler.ts';
import { listCourseEnrollments as route } from '../../shared/routes/enrollment.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { listCourseEnrollments } from '../../shared/use-cases/enrollment.ts';

const ports = enrollmentPorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await listCourseEnrollments(ports, { principal, requestId }, params.id, query),
}));

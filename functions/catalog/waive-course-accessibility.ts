import { httpHandler } from '../../shared/http/handler.ts';
import { waiveCourseAccessibility as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { waiveAccessibility } from '../../shared/use-cases/course-lifecycle.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const course = await waiveAccessibility(ports, { principal, requestId }, params.id, body.reason);
  return { body: course, version: course.version };
});

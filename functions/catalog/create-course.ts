import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createCourse as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const course = await createCourse(ports, { principal, requestId }, body);
  return { body: course, version: course.version, headers: { location: `/courses/${course.id}` } };
});

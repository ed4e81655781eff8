import { httpHandler } from '../../shared/http/handler.ts';
import { updateCourse as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { updateCourse } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const course = await updateCourse(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: course, version: course.version };
});

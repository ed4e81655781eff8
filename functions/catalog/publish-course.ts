import { httpHandler } from '../../shared/http/handler.ts';
import { publishCourse as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { publishCourse } from '../../shared/use-cases/course-lifecycle.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const course = await publishCourse(ports, { principal, requestId }, params.id, ifMatch);
  return { body: course, version: course.version };
});

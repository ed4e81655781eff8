import { httpHandler } from '../../shared/http/handler.ts';
import { getCourse as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { getCourse } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const course = await getCourse(ports, { principal, requestId }, params.id);
  return { body: course, version: course.version };
});

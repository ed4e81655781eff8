import { httpHandler } from '../../shared/http/handler.ts';
import { listCourses as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { listCourses } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ query, principal, requestId }) => {
  const { limit, cursor, ...filter } = query;
  return { body: await listCourses(ports, { principal, requestId }, filter, { limit, cursor }) };
});

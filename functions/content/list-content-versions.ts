import { httpHandler } from '../../shared/http/handler.ts';
import { listContentVersions as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { editableCourse } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await editableCourse(ports, { principal, requestId }, params.id, undefined);
  return { body: { items: await ports.contents.listContentVersions(params.id) } };
});

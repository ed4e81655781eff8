import { httpHandler } from '../../shared/http/handler.ts';
import { updateCategory as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { saveCategory } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const category = await saveCategory(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: category, version: category.version };
});

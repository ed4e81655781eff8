import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createCategory as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { saveCategory } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const category = await saveCategory(ports, { principal, requestId }, null, undefined, body);
  return { body: category, version: category.version };
});

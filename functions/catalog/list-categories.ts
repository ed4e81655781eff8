import { httpHandler } from '../../shared/http/handler.ts';
import { listCategories as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async () => ({
  body: { items: await ports.catalog.listCategories() },
}));

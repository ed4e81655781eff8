import { httpHandler } from '../../shared/http/handler.ts';
import { listLearningPaths as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await ports.catalog.listLearningPaths({ limit: query.limit, cursor: query.cursor }),
}));

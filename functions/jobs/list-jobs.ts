import { httpHandler } from '../../shared/http/handler.ts';
import { listJobs as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await ports.jobs.list(
    { type: query.kind, status: query.status },
    { limit: query.limit, cursor: query.cursor },
  ),
}));

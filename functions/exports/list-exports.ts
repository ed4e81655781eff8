import { httpHandler } from '../../shared/http/handler.ts';
import { listExports as route } from '../../shared/routes/exports.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { listExportRuns } from '../../shared/use-cases/analytics-export.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await listExportRuns(ports, { limit: query.limit, cursor: query.cursor }),
}));

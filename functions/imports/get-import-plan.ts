import { httpHandler } from '../../shared/http/handler.ts';
import { getImportPlan as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { planPage } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await planPage(ports, { principal, requestId }, params.id, query),
}));

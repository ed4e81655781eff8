import { httpHandler } from '../../shared/http/handler.ts';
import { updateLearningPath as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { saveLearningPath } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const path = await saveLearningPath(ports, { principal, requestId }, params.id, ifMatch, body);
  return { body: path, version: path.version };
});

import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createLearningPath as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { saveLearningPath } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const path = await saveLearningPath(ports, { principal, requestId }, null, undefined, body);
  return { body: path, version: path.version };
});

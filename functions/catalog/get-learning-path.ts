import { NotFoundError } from '../../shared/domain/errors.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { getLearningPath as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params }) => {
  const path = await ports.catalog.getLearningPath(params.id);
  if (!path) throw new NotFoundError('learning path', params.id);
  return { body: path, version: path.version };
});

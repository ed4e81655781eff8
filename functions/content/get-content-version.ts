import { NotFoundError } from '../../shared/domain/errors.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { getContentVersion as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { editableCourse } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await editableCourse(ports, { principal, requestId }, params.id, undefined);
  const content = await ports.contents.getContentVersion(params.id, params.version);
  if (!content) throw new NotFoundError('content version', `${params.id}/v${params.version}`);
  return { body: content };
});

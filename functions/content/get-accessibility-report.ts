import { NotFoundError } from '../../shared/domain/errors.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { getAccessibilityReport as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { editableCourse } from '../../shared/use-cases/catalog.ts';
import { accessibilityReportKey } from '../../shared/use-cases/package-import.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  await editableCourse(ports, { principal, requestId }, params.id, undefined);
  const report = await ports.storage.getContentJson(accessibilityReportKey(params.id, params.version));
  if (report === undefined)
    throw new NotFoundError('accessibility report', `${params.id}/v${params.version}`);
  return { body: report };
});

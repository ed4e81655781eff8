import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { requestPackageUpload as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { requestPackageUpload } from '../../shared/use-cases/package-import.ts';

const ports = catalogPorts();

export const handler = idempotentHttpHandler(route, async ({ params, body, principal, requestId }) => ({
  body: await requestPackageUpload(ports, { principal, requestId }, params.id, body),
}));

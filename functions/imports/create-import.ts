import { idempotentHttpHandler } from '../../shared/http/idempotent-handler.ts';
import { createImport as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { requestImport } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = idempotentHttpHandler(route, async ({ body, principal, requestId }) => {
  const created = await requestImport(ports, { principal, requestId }, body);
  return {
    body: created,
    version: created.import.version,
    headers: { location: `/imports/${created.import.id}` },
  };
});

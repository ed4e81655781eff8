import { httpHandler } from '../../shared/http/handler.ts';
import { getImport as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { getImport } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const record = await getImport(ports, { principal, requestId }, params.id);
  return { body: record, version: record.version };
});

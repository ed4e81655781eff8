import { httpHandler } from '../../shared/http/handler.ts';
import { applyImport as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { requestApply } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const record = await requestApply(ports, { principal, requestId }, params.id, body ?? {});
  return { body: record, version: record.version };
});

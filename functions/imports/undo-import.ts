import { httpHandler } from '../../shared/http/handler.ts';
import { undoImport as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { requestUndo } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const record = await requestUndo(ports, { principal, requestId }, params.id);
  return { body: record, version: record.version };
});

import { httpHandler } from '../../shared/http/handler.ts';
import { getImportErrors as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { errorsDownload } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

/** A redirect to the presigned download, so `curl -L` (or a browser) gets the CSV itself. */
export const handler = httpHandler(route, async ({ params, principal, requestId }) => {
  const download = await errorsDownload(ports, { principal, requestId }, params.id);
  return { body: download, headers: { location: download.url } };
});

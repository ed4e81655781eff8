import { httpHandler } from '../../shared/http/handler.ts';
import { completePackageUpload as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { completePackageUpload } from '../../shared/use-cases/package-import.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const job = await completePackageUpload(
    ports,
    { principal, requestId },
    params.id,
    params.jobId,
    body.parts,
  );
  return { body: { job: { id: job.id, status: job.status } } };
});

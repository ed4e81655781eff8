import { httpHandler } from '../../shared/http/handler.ts';
import { eraseUser as route } from '../../shared/routes/data-lifecycle.ts';
import { erasurePorts } from '../../shared/store/erasure-wiring.ts';
import { erasePerson } from '../../shared/use-cases/erasure.ts';

const ports = erasurePorts();

export const handler = httpHandler(route, async ({ params, body, principal, requestId }) => {
  const report = await erasePerson(ports, { principal, requestId }, params.id, { confirm: body.confirm });
  return { body: report, version: report.user.version };
});

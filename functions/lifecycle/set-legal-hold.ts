import { httpHandler } from '../../shared/http/handler.ts';
import { setLegalHold as route } from '../../shared/routes/data-lifecycle.ts';
import { legalHoldPorts } from '../../shared/store/erasure-wiring.ts';
import { setLegalHold } from '../../shared/use-cases/erasure.ts';

const ports = legalHoldPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const user = await setLegalHold(ports, { principal, requestId }, params.id, ifMatch, body.reason);
  return { body: user, version: user.version };
});

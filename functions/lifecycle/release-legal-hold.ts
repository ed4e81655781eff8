import { httpHandler } from '../../shared/http/handler.ts';
import { releaseLegalHold as route } from '../../shared/routes/data-lifecycle.ts';
import { legalHoldPorts } from '../../shared/store/erasure-wiring.ts';
import { releaseLegalHold } from '../../shared/use-cases/erasure.ts';

const ports = legalHoldPorts();

export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const user = await releaseLegalHold(ports, { principal, requestId }, params.id, ifMatch);
  return { body: user, version: user.version };
});

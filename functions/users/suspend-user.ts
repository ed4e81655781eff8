import { httpHandler } from '../../shared/http/handler.ts';
import { logger } from '../../shared/http/logger.ts';
import { suspendUser as route } from '../../shared/routes/users.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { suspendUser } from '../../shared/use-cases/users.ts';

const ports = peopleWithLoginsPorts();

export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const { user, signedOut } = await suspendUser(
    ports,
    { principal, requestId },
    params.id,
    ifMatch,
    body.reason,
  );
  if (signedOut === 'failed') logger.warn('suspended, but the global sign-out failed', { userId: user.id });
  return { body: user, version: user.version };
});

import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { loginAccount } from '../../shared/domain/access.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { logger } from '../../shared/http/logger.ts';
import { postAuthentication as job } from '../../shared/jobs/manifest.ts';
import { signInPorts } from '../../shared/store/sign-in-wiring.ts';
import { recordSignIn } from '../../shared/use-cases/sign-in.ts';

const ports = signInPorts();

/**
 * Cognito post authentication: the sign-in goes into the history of the profile the login is (linked by
 * `sub`), and the profile follows a changed email, audited.
 */
export const handler = async (event: PostAuthenticationTriggerEvent) => {
  const { userId, emailFollowed } = await recordSignIn(
    ports,
    systemActor(`job:${job.name}`, `${job.name}:${event.userName}`),
    loginAccount(event.userName, event.request.userAttributes),
    event.callerContext?.clientId ?? null,
    logger,
  );
  logger.info('sign-in', {
    triggerSource: event.triggerSource,
    recorded: userId !== undefined,
    emailFollowed,
  });
  return event;
};

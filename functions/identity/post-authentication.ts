import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { signInPorts } from '../../shared/store/sign-in-wiring.ts';
import { recordSignIn } from '../../shared/use-cases/sign-in.ts';

const ports = signInPorts();

/** Cognito post authentication: the sign-in goes into the person's login history. */
export const handler = async (event: PostAuthenticationTriggerEvent) => {
  const recorded = await recordSignIn(
    ports,
    event.request.userAttributes.email,
    event.callerContext?.clientId ?? null,
  );
  logger.info('sign-in', { triggerSource: event.triggerSource, recorded });
  return event;
};

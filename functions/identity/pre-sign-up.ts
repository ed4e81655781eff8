import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { preSignUp as job } from '../../shared/jobs/manifest.ts';
import { countingRefusals } from '../../shared/metrics.ts';
import { signUpPorts } from '../../shared/store/sign-in-wiring.ts';
import { admitSignUp } from '../../shared/use-cases/sign-in.ts';

const ports = signUpPorts();

/**
 * Cognito pre sign-up: refuse a suspended LMS profile (the error is the reason the person sees); link a
 * federated sign-in to the person's existing login. The pool is the event's (the trigger cannot name it).
 */
const admit = async (event: PreSignUpTriggerEvent) => {
  const { linkedTo, refusedAdminLink } = await admitSignUp(ports, {
    source: event.triggerSource,
    userPoolId: event.userPoolId,
    userName: event.userName,
    email: event.request.userAttributes.email,
  });
  logger.info('sign-up admitted', {
    triggerSource: event.triggerSource,
    linked: linkedTo !== undefined,
    // An IdP login naming an admin's email gets a login of its own: the provider is not trusted for admins.
    ...(refusedAdminLink ? { notLinkedToAdmin: refusedAdminLink } : {}),
  });
  return event;
};

/** A refusal (suspended profile) counts as SignInsRefused. */
export const handler = countingRefusals(job.trigger.operation, admit);

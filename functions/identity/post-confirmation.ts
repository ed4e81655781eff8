import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { systemActor } from '../../shared/domain/principal.ts';
import { logger } from '../../shared/http/logger.ts';
import { postConfirmation as job } from '../../shared/jobs/manifest.ts';
import { provisionPorts } from '../../shared/store/sign-in-wiring.ts';
import { provisionFederatedUser } from '../../shared/use-cases/sign-in.ts';

/**
 * Cognito post confirmation: a federated person's first sign-in gets their LMS profile, department, roles
 * and cohorts. A department the IdP names but the LMS cannot match is logged with the reason, never fatal.
 */
export const handler = async (event: PostConfirmationTriggerEvent) => {
  const actor = systemActor(`job:${job.name}`, `${job.name}:${event.userName}`);
  const { userId, roles, department, refused } = await provisionFederatedUser(
    provisionPorts(event.userPoolId),
    actor,
    {
      userName: event.userName,
      attributes: event.request.userAttributes,
    },
  );
  logger.info('confirmed', {
    triggerSource: event.triggerSource,
    provisioned: userId !== undefined,
    roles,
    department,
    refused,
  });
  return event;
};

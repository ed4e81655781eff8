import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { signInPorts } from '../../shared/store/sign-in-wiring.ts';
import { lmsClaims } from '../../shared/use-cases/sign-in.ts';

const ports = signInPorts();

/** Cognito pre token generation (V1 event): LMS claims in the ID token; an error refuses the sign-in. */
export const handler = async (event: PreTokenGenerationTriggerEvent) => {
  const claims = await lmsClaims(
    ports,
    event.request.userAttributes.email,
    event.request.groupConfiguration?.groupsToOverride,
  );
  logger.info('LMS claims added', { triggerSource: event.triggerSource, userId: claims.lms_user_id ?? null });
  event.response = {
    ...event.response,
    claimsOverrideDetails: {
      ...event.response?.claimsOverrideDetails,
      claimsToAddOrOverride: { ...event.response?.claimsOverrideDetails?.claimsToAddOrOverride, ...claims },
    },
  };
  return event;
};

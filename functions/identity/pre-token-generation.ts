import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { systemActor } from '../../shared/domain/principal.ts';
import { logger } from '../../shared/http/logger.ts';
import { preTokenGeneration as job } from '../../shared/jobs/manifest.ts';
import { countingRefusals } from '../../shared/metrics.ts';
import { tokenPorts } from '../../shared/store/sign-in-wiring.ts';
import { ADMIN_MFA_CLAIM, tokenClaims } from '../../shared/use-cases/sign-in.ts';

const ports = tokenPorts();

/**
 * Cognito pre token generation (V1 event): LMS claims in the ID token; an error refuses the sign-in. With
 * `ADMIN_MFA=required` (AWS), a native admin login gets the `admin` group only in tokens issued right after
 * a sign-in Cognito challenged with TOTP; otherwise its tokens leave `admin` out (ID and access tokens: a V1
 * group override replaces both) and say why in `lms_admin_mfa` (`setup-required` without TOTP,
 * `reauthenticate` on a refresh), never a refusal. Unset (the local stack, whose cognito-local has no TOTP)
 * means off.
 */
const addLmsClaims = async (event: PreTokenGenerationTriggerEvent) => {
  const groupConfiguration = event.request.groupConfiguration;
  const actor = systemActor(`job:${job.name}`, `${job.name}:${event.userName}`);
  const { claims, groups } = await tokenClaims(ports, actor, {
    source: event.triggerSource,
    userPoolId: event.userPoolId,
    userName: event.userName,
    userAttributes: event.request.userAttributes,
    groups: groupConfiguration?.groupsToOverride,
  });
  logger.info('LMS claims added', {
    triggerSource: event.triggerSource,
    userId: claims.lms_user_id ?? null,
    adminMfa: claims[ADMIN_MFA_CLAIM] ?? null,
  });
  const details = event.response?.claimsOverrideDetails;
  event.response = {
    ...event.response,
    claimsOverrideDetails: {
      ...details,
      claimsToAddOrOverride: { ...details?.claimsToAddOrOverride, ...claims },
      // Only when the groups change: an empty or absent override would suppress every group.
      ...(groups
        ? {
            groupOverrideDetails: {
              groupsToOverride: groups,
              iamRolesToOverride: groupConfiguration?.iamRolesToOverride ?? [],
              ...(groupConfiguration?.preferredRole
                ? { preferredRole: groupConfiguration.preferredRole }
                : {}),
            },
          }
        : {}),
    },
  };
  return event;
};

/** A refusal (suspended profile) counts as SignInsRefused. */
export const handler = countingRefusals(job.trigger.operation, addLmsClaims);

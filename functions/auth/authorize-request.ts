/**
 * API Gateway's request authorizer (cached per Authorization header for a minute): verifies the bearer token
 * against the user pool (RS256, issuer, finite expiry), and accepts the web client's ID tokens, with the LMS
 * profile their login is linked to, and machine clients' client-credentials access tokens of the clients the
 * LMS created, with the scopes their record still holds (table reads). A SCIM token (`lms_scim_...`) is
 * looked up by its hash instead, refused when revoked or expired, and opens /scim/v2 only. Throwing
 * "Unauthorized" makes API Gateway answer 401.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import {
  allowWithContext,
  authenticate,
  bearerToken,
  type CallerLookup,
} from '../../shared/http/authorizer.ts';
import { logger } from '../../shared/http/logger.ts';
import { callerLookup } from '../../shared/store/caller-lookup.ts';

type Verify = (token: string) => Promise<Record<string, unknown>>;

export function requestAuthorizer(verify: Verify, webClientId: string, lookup: CallerLookup) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = bearerToken(event.headers?.Authorization ?? event.headers?.authorization);
    if (!token) throw new Error('Unauthorized');
    try {
      return allowWithContext(event.methodArn, await authenticate(token, verify, webClientId, lookup));
    } catch (error) {
      // The reason helps whoever debugs a 401; the token itself is never logged.
      logger.info('bearer token refused', { reason: (error as Error).message });
      throw new Error('Unauthorized');
    }
  };
}

const verifier = CognitoJwtVerifier.create({
  userPoolId: requireSetting('userPoolId'),
  tokenUse: null,
  clientId: null,
});

export const handler = requestAuthorizer(
  async (token) => (await verifier.verify(token)) as Record<string, unknown>,
  requireSetting('webClientId'),
  callerLookup(dynamoDb(), requireSetting('tableName')),
);

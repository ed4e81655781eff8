/**
 * API Gateway's request authorizer (cached per Authorization header): verifies the bearer token against the
 * user pool (RS256, issuer, expiry), and accepts the web client's ID tokens and machine clients'
 * client-credentials access tokens of the clients the LMS created (one table read). Throwing "Unauthorized"
 * makes API Gateway answer 401.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { allowWithContext, authenticate, bearerToken } from '../../shared/http/authorizer.ts';
import { logger } from '../../shared/http/logger.ts';
import { DynamoApiClientRepository } from '../../shared/store/api-client-store.ts';

type Verify = (token: string) => Promise<Record<string, unknown>>;

export function requestAuthorizer(
  verify: Verify,
  webClientId: string,
  isKnownClient: (clientId: string) => Promise<boolean>,
) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = bearerToken(event.headers?.Authorization ?? event.headers?.authorization);
    if (!token) throw new Error('Unauthorized');
    try {
      return allowWithContext(event.methodArn, await authenticate(token, verify, webClientId, isKnownClient));
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

const apiClients = new DynamoApiClientRepository(dynamoDb(), requireSetting('tableName'));

export const handler = requestAuthorizer(
  async (token) => (await verifier.verify(token)) as Record<string, unknown>,
  requireSetting('webClientId'),
  async (clientId) => (await apiClients.get(clientId)) !== undefined,
);

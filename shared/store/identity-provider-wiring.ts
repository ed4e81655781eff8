/**
 * Builds the identity-provider ports once per cold start: the table, the user pool (with Secrets Manager for
 * OIDC client secrets, reached only in AWS), the hosted sign-in.
 */
import { cognitoClient, dynamoDb, secretsManagerClient } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import { logger } from '../http/logger.ts';
import type { IdentityProviderDeps } from '../use-cases/identity-providers.ts';
import { CognitoFederation } from './cognito-federation.ts';
import { DynamoCohortRepository } from './cohort-store.ts';
import { DynamoIdentityProviderRepository } from './identity-provider-store.ts';
import { HttpMetadataFetcher } from './metadata-fetcher.ts';
import { systemRuntime } from './wiring.ts';

export function identityProviderPorts(): IdentityProviderDeps {
  const webClientId = optionalSetting('webClientId');
  const domain = optionalSetting('hostedUiDomain');
  const callbackUrl = optionalSetting('webCallbackUrl');
  return {
    providers: new DynamoIdentityProviderRepository(dynamoDb(), requireSetting('tableName')),
    cohorts: new DynamoCohortRepository(dynamoDb(), requireSetting('tableName')),
    // No allowed internal addresses, in AWS and locally: the caller gets one message, the log says why.
    metadata: new HttpMetadataFetcher({
      onRefused: (reason, details) => logger.warn('metadata URL not read', { reason, ...details }),
    }),
    federation: new CognitoFederation(
      cognitoClient(),
      requireSetting('userPoolId'),
      webClientId,
      secretsManagerClient(),
    ),
    runtime: systemRuntime,
    hostedUi:
      domain && webClientId && callbackUrl ? { domain, clientId: webClientId, callbackUrl } : undefined,
  };
}

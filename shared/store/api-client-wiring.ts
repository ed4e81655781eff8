/**
 * Builds the machine-client ports once per cold start. The registry is the user pool in AWS; the local stack
 * sets LMS_LOCAL_OAUTH_CLIENTS_TABLE, and its OAuth server's clients are the registry there.
 */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import { BusinessRuleError } from '../domain/errors.ts';
import type { ApiClientDeps } from '../use-cases/api-clients.ts';
import type { MachineClientRegistry } from '../use-cases/ports.ts';
import { DynamoApiClientRepository } from './api-client-store.ts';
import { CognitoMachineClients } from './cognito-machine-clients.ts';
import { LocalMachineClients } from './local-oauth-clients.ts';
import { systemRuntime } from './wiring.ts';

export function apiClientPorts(): ApiClientDeps {
  return {
    clients: new DynamoApiClientRepository(dynamoDb(), requireSetting('tableName')),
    registry: registry(),
    runtime: systemRuntime,
  };
}

function registry(): MachineClientRegistry {
  const tokenUrl = optionalSetting('oauthTokenUrl');
  const localTable = optionalSetting('localOAuthClientsTable');
  if (tokenUrl && localTable) return new LocalMachineClients(dynamoDb(), localTable, tokenUrl);
  if (tokenUrl) return new CognitoMachineClients(cognitoClient(), requireSetting('userPoolId'), tokenUrl);
  // Without a hosted domain the pool has no token endpoint: a client created now could never get a token.
  const refuse = async (): Promise<never> => {
    throw new BusinessRuleError(
      'Machine clients need the user pool to have a domain (its token endpoint): deploy LmsAuth with a domainPrefix.',
    );
  };
  return {
    tokenUrl: '',
    create: refuse,
    setScopes: refuse,
    addSecret: refuse,
    removeSecret: refuse,
    remove: refuse,
  };
}

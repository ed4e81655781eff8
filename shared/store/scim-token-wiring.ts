/** Builds the SCIM token ports once per cold start. */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { ScimTokenDeps } from '../use-cases/scim-tokens.ts';
import { DynamoScimTokenRepository } from './scim-token-store.ts';
import { systemRuntime } from './wiring.ts';

export function scimTokenPorts(): ScimTokenDeps {
  return {
    tokens: new DynamoScimTokenRepository(dynamoDb(), requireSetting('tableName')),
    runtime: systemRuntime,
  };
}

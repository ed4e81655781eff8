/**
 * What the request authorizer reads of the LMS for a token: a machine client's record (its scopes now), the
 * profile a person's login is linked to, and a SCIM token's record (which it also marks as used). The Lambda
 * authorizer and the local gateway use this one adapter.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallerLookup } from '../http/authorizer.ts';
import { DynamoApiClientRepository } from './api-client-store.ts';
import { DynamoScimTokenRepository } from './scim-token-store.ts';
import { DynamoUserRepository } from './user-store.ts';

export function callerLookup(client: DynamoDBDocumentClient, tableName: string): CallerLookup {
  const apiClients = new DynamoApiClientRepository(client, tableName);
  const users = new DynamoUserRepository(client, tableName);
  const scimTokens = new DynamoScimTokenRepository(client, tableName);
  return {
    clientScopes: async (clientId) => (await apiClients.get(clientId))?.scopes,
    personOfLogin: async (sub) => {
      const userId = await users.idByLogin(sub);
      const user = userId ? await users.get(userId) : undefined;
      return user ? { userId: user.id, active: user.status === 'active' } : undefined;
    },
    scimToken: (secretHash) => scimTokens.standingOf(secretHash),
    scimTokenUsed: async (tokenId, at) => {
      await scimTokens.recordUse(tokenId, at);
    },
  };
}

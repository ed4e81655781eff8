/**
 * What the request authorizer reads of the LMS for a verified token: a machine client's record (its scopes
 * now) and the profile a person's login is linked to. The Lambda authorizer and the local gateway use this
 * one adapter.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallerLookup } from '../http/authorizer.ts';
import { DynamoApiClientRepository } from './api-client-store.ts';
import { DynamoUserRepository } from './user-store.ts';

export function callerLookup(client: DynamoDBDocumentClient, tableName: string): CallerLookup {
  const apiClients = new DynamoApiClientRepository(client, tableName);
  const users = new DynamoUserRepository(client, tableName);
  return {
    clientScopes: async (clientId) => (await apiClients.get(clientId))?.scopes,
    personOfLogin: async (sub) => {
      const userId = await users.idByLogin(sub);
      const user = userId ? await users.get(userId) : undefined;
      return user ? { userId: user.id, active: user.status === 'active' } : undefined;
    },
  };
}

/** Machine clients' LMS records in the single table; the name is a claim written in the same transaction. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiClient } from '../domain/api-client.ts';
import type { AuditRecord } from '../domain/audit.ts';
import type { ApiClientRepository } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimOwner, claimWrite, releaseWrite } from './claims.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { transactWrite } from './transact.ts';
import { deleteVersioned, putNew, putVersioned } from './versioned.ts';

export class DynamoApiClientRepository implements ApiClientRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(clientId: string): Promise<ApiClient | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiClient(clientId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(): Promise<ApiClient[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.apiClientsByName('').gsi1pk },
    });
    return items.map(fromItem);
  }

  idByName(name: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'apiClientName', name.toLowerCase());
  }

  async create(client: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, item(client), { kind: 'API client', id: client.clientId }),
      claimWrite(this.tableName, nameClaim(client)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(before: ApiClient, after: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(this.tableName, item(after), {
        kind: 'API client',
        id: before.clientId,
        expected: before.version,
      }),
      auditWrite(this.tableName, audit),
    ]);
  }

  async delete(client: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      deleteVersioned(this.tableName, keys.apiClient(client.clientId), {
        kind: 'API client',
        id: client.clientId,
        expected: client.version,
      }),
      releaseWrite(this.tableName, nameClaim(client)),
      auditWrite(this.tableName, audit),
    ]);
  }
}

/** Client names are unique without regard to case. */
function nameClaim(client: ApiClient): Claim {
  return {
    kind: 'apiClientName',
    key: client.name.toLowerCase(),
    value: client.name,
    ownerId: client.clientId,
  };
}

function item(client: ApiClient): Record<string, unknown> {
  return {
    ...keys.apiClient(client.clientId),
    ...keys.apiClientsByName(client.name.toLowerCase()),
    entity: 'api-client',
    ...client,
  };
}

function fromItem(raw: Record<string, unknown>): ApiClient {
  const { entity: _entity, ...client } = withoutStorageAttributes(raw);
  return ApiClient.parse(client);
}

/** Machine clients' LMS records in the single table; the name is a claim written in the same transaction. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiClient } from '../domain/api-client.ts';
import type { AuditRecord } from '../domain/audit.ts';
import { ConflictError, StaleVersionError } from '../domain/errors.ts';
import type { ApiClientRepository } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { transactWrite } from './transact.ts';

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

  async idByName(name: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.unique('apiClientName', name.toLowerCase()) }),
    );
    return typeof Item?.ownerId === 'string' ? Item.ownerId : undefined;
  }

  async create(client: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: item(client),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.unique('apiClientName', client.name.toLowerCase()),
              entity: 'claim',
              ownerId: client.clientId,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () =>
          new ConflictError(`An API client named ${client.name} exists.`, [
            { path: 'body.name', message: 'taken' },
          ]),
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(before: ApiClient, after: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: item(after),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': before.version },
          },
        },
        onConditionFailed: () =>
          new StaleVersionError('API client', before.clientId, before.version, undefined),
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  async delete(client: ApiClient, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.apiClient(client.clientId),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': client.version },
          },
        },
        onConditionFailed: () =>
          new StaleVersionError('API client', client.clientId, client.version, undefined),
      },
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.unique('apiClientName', client.name.toLowerCase()),
            ConditionExpression: 'ownerId = :owner',
            ExpressionAttributeValues: { ':owner': client.clientId },
          },
        },
      },
      auditWrite(this.tableName, audit),
    ]);
  }
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

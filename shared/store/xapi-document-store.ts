/**
 * xAPI documents (State, Activity Profile, Agent Profile) in the single table: one partition per scope (a
 * hash of the kind, activity, agent and registration, so long IRIs never reach DynamoDB's key limits), one
 * item per document id. Content stays in the item: the routes refuse documents above 350 KB (413,
 * `MAX_DOCUMENT_BYTES`) rather than spill them to S3, which keeps every write one conditional put.
 */
import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DocumentScope, XapiDocument, XapiDocumentStore } from '../xapi/ports.ts';
import { batchWriteAll } from './batch-write.ts';
import { keys } from './keys.ts';
import { queryAll } from './query-pages.ts';

export class DynamoXapiDocumentStore implements XapiDocumentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(scope: DocumentScope, id: string): Promise<XapiDocument | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.xapiDocument(scopeHash(scope), id),
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async ids(scope: DocumentScope, since?: string): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ...(since !== undefined ? { FilterExpression: 'updated > :since' } : {}),
      ExpressionAttributeValues: {
        ':pk': keys.xapiDocument(scopeHash(scope), '').pk,
        ...(since !== undefined ? { ':since': since } : {}),
      },
      ProjectionExpression: 'docId',
    });
    return items.map((item) => String(item.docId));
  }

  async put(
    scope: DocumentScope,
    document: XapiDocument,
    expected: string | null | undefined,
  ): Promise<boolean> {
    const input: PutCommandInput = { TableName: this.tableName, Item: documentItem(scope, document) };
    if (expected === null) input.ConditionExpression = 'attribute_not_exists(pk)';
    if (typeof expected === 'string') {
      input.ConditionExpression = 'etag = :etag';
      input.ExpressionAttributeValues = { ':etag': expected };
    }
    return this.conditionally(() => this.client.send(new PutCommand(input)));
  }

  async delete(scope: DocumentScope, id: string, expected: string | undefined): Promise<boolean> {
    return this.conditionally(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.xapiDocument(scopeHash(scope), id),
          ...(expected !== undefined
            ? { ConditionExpression: 'etag = :etag', ExpressionAttributeValues: { ':etag': expected } }
            : {}),
        }),
      ),
    );
  }

  async deleteAll(scope: DocumentScope, keep: readonly string[]): Promise<void> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.xapiDocument(scopeHash(scope), '').pk },
      ProjectionExpression: 'pk, sk, docId',
    });
    const doomed = items.filter((item) => !keep.includes(String(item.docId)));
    await batchWriteAll(
      this.client,
      this.tableName,
      doomed.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
  }

  /** A write whose failed condition answers false: nothing was written. */
  private async conditionally(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

/** The item of a document (also written inside the launch's transaction). */
export function documentItem(scope: DocumentScope, document: XapiDocument): Record<string, unknown> {
  return {
    ...keys.xapiDocument(scopeHash(scope), document.id),
    kind: scope.kind,
    ...(scope.activityId !== undefined ? { activityId: scope.activityId } : {}),
    ...(scope.agentKey !== undefined ? { agentKey: scope.agentKey } : {}),
    ...(scope.registration !== undefined ? { registration: scope.registration } : {}),
    docId: document.id,
    content: document.content,
    contentType: document.contentType,
    etag: document.etag,
    updated: document.updated,
  };
}

function scopeHash(scope: DocumentScope): string {
  const parts = [scope.kind, scope.activityId ?? null, scope.agentKey ?? null, scope.registration ?? null];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

function fromItem(item: Record<string, unknown>): XapiDocument {
  return {
    id: String(item.docId),
    content: String(item.content),
    contentType: String(item.contentType),
    etag: String(item.etag),
    updated: String(item.updated),
  };
}

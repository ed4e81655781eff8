/** Where each content version's objects are kept (`storage`), on its record in the single table. */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContentStorage } from '../domain/content.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { ContentStorageMarks } from '../use-cases/archival.ts';
import { keys } from './keys.ts';

export class DynamoContentStorageMarks implements ContentStorageMarks {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async mark(courseId: string, version: number, storage: ContentStorage, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contentVersion(courseId, version),
          UpdateExpression: 'SET #storage = :storage, storageChangedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#storage': 'storage' },
          ExpressionAttributeValues: { ':storage': storage, ':at': at },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new NotFoundError('content version', `${courseId} v${version}`);
      throw error;
    }
  }
}

/** Sign-ins in the person's partition, kept LOGIN_HISTORY_DAYS by the table's TTL. */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LOGIN_HISTORY_DAYS, SignIn } from '../domain/access.ts';
import type { SignInHistory } from '../use-cases/ports.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { TTL_ATTRIBUTE } from './table-schema.ts';

export class DynamoSignInHistory implements SignInHistory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(signIn: SignIn): Promise<void> {
    const expires = Math.floor(Date.parse(signIn.at) / 1000) + LOGIN_HISTORY_DAYS * 86_400;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.signIn(signIn.userId, signIn.at),
          entity: 'sign-in',
          ...signIn,
          [TTL_ATTRIBUTE]: expires,
        },
      }),
    );
  }

  async recent(userId: string, limit: number): Promise<SignIn[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': 'SIGNIN#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => SignIn.parse(withoutStorageAttributes(item)));
  }
}

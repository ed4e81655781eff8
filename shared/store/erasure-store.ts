/**
 * Erasure's adapters: the person's login in Cognito, their sign-in history and own audit trail in the table
 * (reachable by their id), and the sweep that redacts what other items hold of erased people, item by item,
 * as the retention run's Scan reads them.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  AdminDeleteUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type LoginEraser,
  type PersonalDataStore,
  redactPersonalData,
  redactStatementActor,
} from '../use-cases/erasure.ts';
import { batchWriteAll } from './batch-write.ts';
import { keys } from './keys.ts';
import { queryAll } from './query-pages.ts';

export class CognitoLoginEraser implements LoginEraser {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async deleteLogin(username: string): Promise<'deleted' | 'none'> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: username }));
      return 'deleted';
    } catch (error) {
      if ((error as Error).name === 'UserNotFoundException') return 'none';
      throw error;
    }
  }
}

export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async deleteSignIns(userId: string): Promise<number> {
    const signIns = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': 'SIGNIN#' },
      ProjectionExpression: 'pk, sk',
    });
    await batchWriteAll(
      this.client,
      this.tableName,
      signIns.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
    return signIns.length;
  }

  async redactOwnRecords(userId: string, values: ReadonlySet<string>): Promise<number> {
    const [auditTrail, enrollments] = await Promise.all([
      queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditTrail(`user:${userId}`) },
      }),
      queryAll(this.client, {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.enrollmentsOfUser(userId, '').gsi1pk },
      }),
    ]);
    const erased = new Set([userId]);
    let redacted = 0;
    for (const { pk, sk, ...attributes } of [...auditTrail, ...enrollments]) {
      const { value, changed } = redactPersonalData(attributes, erased, values);
      if (!changed) continue;
      const after = value as Record<string, unknown>;
      const names = Object.keys(attributes).filter(
        (name) => !isDeepStrictEqual(attributes[name], after[name]),
      );
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: `SET ${names.map((_, index) => `#a${index} = :v${index}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#a${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(
            names.map((name, index) => [`:v${index}`, after[name]]),
          ),
        }),
      );
      redacted++;
    }
    return redacted;
  }
}

/** What the sweep did to the items it was shown. */
export interface SweepCounts {
  redacted: number;
  signInsDeleted: number;
}

/**
 * Redacts erased people's personal data from items read by a Scan (DynamoDB's attribute-value form): audit
 * records (actor, before, after), attempts (the learner name in their data model), import change logs, and
 * xAPI statements whose actor is their account; deletes sign-ins left in their partition. Only the
 * attributes that change are written (numbers stay exact: they are read as DynamoDB's strings). The erased
 * profiles themselves are skipped: they are anonymised already.
 */
export class ErasureSweep {
  readonly counts: SweepCounts = { redacted: 0, signInsDeleted: 0 };

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly erased: ReadonlySet<string>,
  ) {}

  async sweep(items: readonly Record<string, AttributeValue>[]): Promise<void> {
    if (this.erased.size === 0) return;
    for (const raw of items) {
      const pk = raw.pk?.S ?? '';
      const sk = raw.sk?.S ?? '';
      if (sk === 'USER' || pk.startsWith('UNIQUE#')) continue;
      const Key = { pk: raw.pk as AttributeValue, sk: raw.sk as AttributeValue };
      if (sk.startsWith('SIGNIN#') && this.erased.has(pk.slice('USER#'.length))) {
        await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key }));
        this.counts.signInsDeleted++;
        continue;
      }
      const { pk: _pk, sk: _sk, ...attributes } = unmarshall(raw, { wrapNumbers: true });
      const { value, changed } = redactPersonalData(attributes, this.erased);
      const redacted = value as Record<string, unknown>;
      const changes: Record<string, unknown> = {};
      if (changed)
        for (const [name, before] of Object.entries(attributes))
          if (!isDeepStrictEqual(before, redacted[name])) changes[name] = redacted[name];
      if (pk.startsWith('XAPISTATEMENT#') && typeof attributes.json === 'string') {
        const statement = redactStatementActor(JSON.parse(attributes.json), this.erased);
        if (statement) changes.json = JSON.stringify(statement);
      }
      if (Object.keys(changes).length > 0) await this.set(Key, changes);
    }
  }

  /** Writes only the changed attributes, on the item as it still exists. */
  private async set(Key: Record<string, AttributeValue>, changes: Record<string, unknown>): Promise<void> {
    const names = Object.keys(changes);
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key,
        UpdateExpression: `SET ${names.map((_, index) => `#a${index} = :v${index}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#a${index}`, name])),
        ExpressionAttributeValues: marshall(
          Object.fromEntries(names.map((name, index) => [`:v${index}`, changes[name]])),
          { removeUndefinedValues: true },
        ),
      }),
    );
    this.counts.redacted++;
  }
}

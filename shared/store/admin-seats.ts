/**
 * Admin seats: which people hold the admin role, as the LMS records it beside Cognito's `admin` group, and
 * how many of them are active. Every write that could remove the last active administrator (demoting one,
 * suspending one) decrements the count under the condition `active > 1` in the same transaction as the
 * change, so two concurrent demotions of the last two admins cannot both succeed: a conditional write, not a
 * read. The link-logins job reconciles seats with Cognito's group (changes made in the console).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LastAdminError } from '../domain/errors.ts';
import type { AdminSeats } from '../use-cases/ports.ts';
import { keys } from './keys.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';

/** The seat holder's count change: a decrement only while another active admin remains. */
export function activeAdminCountChange(tableName: string, userId: string, delta: 1 | -1): GuardedWrite {
  if (delta === 1)
    return {
      item: {
        Update: {
          TableName: tableName,
          Key: keys.adminSeatCount(),
          UpdateExpression: 'ADD active :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    };
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: keys.adminSeatCount(),
        UpdateExpression: 'SET active = active - :one',
        ConditionExpression: 'active > :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    onConditionFailed: () => new LastAdminError(userId),
  };
}

function unguardedDecrement(tableName: string): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: keys.adminSeatCount(),
        UpdateExpression: 'ADD active :minusOne',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    },
  };
}

/** That the person holds (or does not hold) a seat when the transaction commits. */
export function adminSeatCheck(tableName: string, userId: string, held: boolean, onChanged: () => Error) {
  return {
    item: {
      ConditionCheck: {
        TableName: tableName,
        Key: keys.adminSeat(userId),
        ConditionExpression: held ? 'attribute_exists(pk)' : 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: onChanged,
  } satisfies GuardedWrite;
}

/** A profile still in the status the seat change was worked out for. */
function userStatusCheck(tableName: string, userId: string, status: string, onChanged: () => Error) {
  return {
    item: {
      ConditionCheck: {
        TableName: tableName,
        Key: keys.user(userId),
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      },
    },
    onConditionFailed: onChanged,
  } satisfies GuardedWrite;
}

class SeatUnchanged extends Error {}
class RaceLost extends Error {}

export class DynamoAdminSeats implements AdminSeats {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async holds(userId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.adminSeat(userId), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async activeCount(): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.adminSeatCount(), ConsistentRead: true }),
    );
    return typeof Item?.active === 'number' ? Item.active : 0;
  }

  async holders(): Promise<string[]> {
    const holders: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seat)',
          ExpressionAttributeValues: { ':pk': keys.adminSeat('').pk, ':seat': 'USER#' },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) holders.push(String(item.userId));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return holders;
  }

  grant(userId: string): Promise<void> {
    return this.change(userId, 'grant');
  }

  revoke(userId: string): Promise<void> {
    return this.change(userId, 'revoke');
  }

  forget(userId: string): Promise<void> {
    return this.change(userId, 'forget');
  }

  /**
   * One seat change, idempotent (a seat already in the wanted state changes nothing): the seat, the count
   * when the person is active, and a check that their status is still the one read, in one transaction.
   * A status that changes meanwhile makes it read again.
   */
  private async change(userId: string, change: 'grant' | 'revoke' | 'forget'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keys.user(userId), ConsistentRead: true }),
      );
      const status = typeof Item?.status === 'string' ? Item.status : undefined;
      if (!status) throw new Error(`No user ${userId} to ${change} an admin seat for.`);
      const seat: GuardedWrite =
        change === 'grant'
          ? {
              item: {
                Put: {
                  TableName: this.tableName,
                  Item: { ...keys.adminSeat(userId), entity: 'admin-seat', userId },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              onConditionFailed: () => new SeatUnchanged(),
            }
          : {
              item: {
                Delete: {
                  TableName: this.tableName,
                  Key: keys.adminSeat(userId),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              onConditionFailed: () => new SeatUnchanged(),
            };
      const counted = status === 'active';
      try {
        const count =
          change === 'grant'
            ? activeAdminCountChange(this.tableName, userId, 1)
            : change === 'revoke'
              ? activeAdminCountChange(this.tableName, userId, -1)
              : unguardedDecrement(this.tableName);
        await transactWrite(this.client, [
          seat,
          userStatusCheck(this.tableName, userId, status, () => new RaceLost()),
          ...(counted ? [count] : []),
        ]);
        return;
      } catch (error) {
        if (error instanceof SeatUnchanged) return;
        if (!(error instanceof RaceLost) || attempt >= 3) throw error;
      }
    }
  }
}

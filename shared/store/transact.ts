/**
 * TransactWriteItems with meaning: each write may say which domain error its failed condition stands for,
 * so "email already taken" and "stale version" come out of the same atomic write as their own errors.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface GuardedWrite {
  item: TransactItem;
  /** The error to throw when this write's condition fails. */
  onConditionFailed?: () => Error;
}

/** DynamoDB's limit on actions in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Attempts when transactions on the same item collide (TransactionConflict): hot items such as a course's seats. */
const CONFLICT_ATTEMPTS = 8;

export async function transactWrite(
  client: DynamoDBDocumentClient,
  writes: readonly GuardedWrite[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.item) }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      const toError = failed >= 0 ? writes[failed]?.onConditionFailed : undefined;
      if (toError) throw toError();
      // Another transaction held one of the items: nothing was written, so the same writes can be tried again.
      const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((done) => setTimeout(done, Math.random() * 20 * 2 ** attempt));
    }
  }
}

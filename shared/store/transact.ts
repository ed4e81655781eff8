/**
 * TransactWriteItems with meaning: each write may say which domain error its failed condition stands for,
 * so "email already taken" and "stale version" come out of the same atomic write as their own errors.
 * Whatever else cancels a transaction ends as a ConflictError with a reason: never the SDK's error, never a
 * 500. Nothing was written in any of those cases, so the caller may read again and retry.
 */
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface GuardedWrite {
  item: TransactItem;
  /** The error to throw when this write's condition fails. */
  onConditionFailed?: () => Error;
}

/** DynamoDB's limit on actions in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Attempts when a transaction is cancelled for a passing reason: another transaction held one of the items
 * (TransactionConflict, frequent on hot items such as a course's seats) or the table was throttled.
 */
export const TRANSACTION_ATTEMPTS = 8;

/** Cancellation reasons that say nothing about the writes themselves: the same writes may succeed later. */
const PASSING = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

export async function transactWrite(
  client: DynamoDBDocumentClient,
  writes: readonly GuardedWrite[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.item) }));
      return;
    } catch (error) {
      // By name rather than instanceof: a bundle may hold two copies of the DynamoDB client.
      if ((error as Error | undefined)?.name !== 'TransactionCanceledException') throw error;
      const codes = ((error as TransactionCanceledException).CancellationReasons ?? []).map(
        (reason) => reason.Code ?? 'None',
      );
      const mapped = codes.flatMap((code, index) =>
        code === 'ConditionalCheckFailed' ? (writes[index]?.onConditionFailed ?? []) : [],
      )[0];
      if (mapped) throw mapped();
      const failed = codes.filter((code) => code !== 'None');
      if (failed.includes('ConditionalCheckFailed')) {
        throw new ConflictError(
          'Another change to the same records came first, so nothing was written; read them again and retry.',
        );
      }
      if (failed.length > 0 && failed.every((code) => PASSING.has(code))) {
        if (attempt < TRANSACTION_ATTEMPTS) {
          await new Promise((done) => setTimeout(done, Math.random() * 20 * 2 ** attempt));
          continue;
        }
        throw new ConflictError(
          `Concurrent changes to the same records kept colliding (${TRANSACTION_ATTEMPTS} attempts), so nothing was written; retry in a moment.`,
        );
      }
      throw new ConflictError(
        `The change was cancelled (${failed.length > 0 ? [...new Set(failed)].join(', ') : 'no reason given'}), so nothing was written; retry in a moment.`,
      );
    }
  }
}

/**
 * One conditional write outside a transaction, with the same promise: its failed condition becomes the
 * domain error `onConditionFailed` returns, never the SDK's ConditionalCheckFailedException.
 */
export async function conditionalWrite<T>(
  send: () => Promise<T>,
  onConditionFailed: () => Error,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') throw onConditionFailed();
    throw error;
  }
}

/** {@link conditionalWrite} of one UpdateItem. */
export function conditionalUpdate(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
  onConditionFailed: () => Error,
): Promise<UpdateCommandOutput> {
  return conditionalWrite(() => client.send(new UpdateCommand(input)), onConditionFailed);
}

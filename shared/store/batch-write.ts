/**
 * BatchWriteItem for bulk work (imports): 25 requests a call, and what DynamoDB does not take is retried.
 * DynamoDB answers a busy table in two ways, and both are retried with exponential backoff and full jitter
 * (AWS's advice for many writers): part of a batch comes back in `UnprocessedItems`, or the whole call fails
 * with a throttling error. DynamoDB Local does neither, so the tests inject both.
 *
 * Every item written this way must be keyed so that writing it twice is the same as writing it once (an
 * import's items are): a retried batch, or a run resumed after a crash, then doubles nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';

/** A put or a delete, as BatchWriteItem takes them. */
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** DynamoDB's limit on requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

export interface BatchWriteOptions {
  /** Attempts of one batch before giving up (each after a backoff). @default 10 */
  maxAttempts?: number;
  /** First backoff in ms; doubled each attempt, capped at 5 s, with full jitter. @default 25 */
  baseDelayMs?: number;
  /** Seen once per retry, for the logs and the tests. */
  onRetry?: (reason: 'unprocessed' | 'throttled', attempt: number) => void;
  /** Batches sent at once (each retried on its own); the order of the writes does not matter. @default 4 */
  concurrency?: number;
}

/** Errors a busy table answers with: worth another try after a pause. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/**
 * Whether DynamoDB refused a call for being busy, after the SDK's own retries: nothing was written, and the
 * same call may succeed after a pause.
 */
export function isThrottling(error: unknown): boolean {
  return THROTTLING.has((error as Error | undefined)?.name ?? '');
}

/** A pause before attempt `attempt + 1`: exponential from `baseMs`, at most 5 s, with full jitter. */
export function backoff(attempt: number, baseMs = 25): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.random() * Math.min(5000, baseMs * 2 ** attempt)));
}

/**
 * Sends again, with backoff and jitter, while DynamoDB answers with a throttling error that outlasted the
 * SDK's own retries (3 attempts, and none once its retry quota is spent): a bulk job outlives a busy table
 * instead of failing on it. Only for calls that wrote nothing when refused (reads, conditional or
 * idempotent writes). Throws the last error after `attempts`.
 */
export async function whileThrottled<T>(send: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await backoff(attempt);
    }
  }
}

/**
 * Writes every request, 25 at a time and a few batches at once, until DynamoDB has taken them all. Throws
 * after `maxAttempts` on one batch (nothing is lost: the caller's checkpoint is before this batch, and the
 * items are idempotent).
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT)
    batches.push(requests.slice(start, start + BATCH_WRITE_LIMIT));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (batch) await writeBatch(client, tableName, batch, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batches.length) }, worker));
}

async function writeBatch(
  client: DynamoDBDocumentClient,
  tableName: string,
  batch: readonly WriteRequest[],
  options: BatchWriteOptions,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 10;
  const base = options.baseDelayMs ?? 25;
  let pending = [...batch];
  for (let attempt = 1; pending.length > 0; attempt++) {
    let reason: 'unprocessed' | 'throttled';
    try {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      const unprocessed = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (unprocessed.length === 0) return;
      pending = unprocessed;
      reason = 'unprocessed';
    } catch (error) {
      if (!isThrottling(error)) throw error;
      reason = 'throttled';
    }
    if (attempt >= maxAttempts)
      throw new Error(
        `DynamoDB did not take ${pending.length} writes after ${attempt} attempts (${reason}); the run can be resumed.`,
      );
    options.onRetry?.(reason, attempt);
    await backoff(attempt, base);
  }
}

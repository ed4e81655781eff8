/**
 * Many changes in few transactions, for the bulk writes of imports: TransactWriteItems of up to 100 items,
 * each change whole in one, so a change is made entirely or not at all, and one whose condition fails is
 * refused alone while the others go on.
 *
 * - Counters several changes move (a department's member count, a course's seats) are one item per
 *   transaction, their moves summed, as DynamoDB takes an item once per transaction.
 * - An item a change needs to exist (a new manager) is checked in the transaction, unless the same
 *   transaction writes it: if that write fails, the transaction is tried again without it, and then it is
 *   checked.
 * - When a transaction is cancelled on failed conditions, the changes whose writes failed (or that share a
 *   counter or a check that failed) are answered as refused, with the condition's reason, and the transaction
 *   is tried again without them. Passing causes (another writer, throttling) are retried with backoff, as is
 *   a call refused whole by a busy table (a throttling error that outlasted the SDK's retries).
 */
import { BatchGetCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoff, isThrottling } from './batch-write.ts';
import { type GuardedWrite, MAX_TRANSACTION_ITEMS } from './transact.ts';

/** One change's writes in a bulk transaction, and what the transaction must add for it. */
export interface BulkChange {
  seq: number;
  writes: GuardedWrite[];
  /** Counter moves by the counter's key: summed per transaction. */
  counters: ReadonlyMap<string, number>;
  /** The key of an item that must exist, unless the same transaction writes it. */
  requires?: string | null;
  /** The keys it writes, which `requires` of another change may name. */
  provides?: readonly string[];
  /** In a transaction of its own, so a refusal of any of its writes names it alone (a seat under a capacity). */
  alone?: boolean;
}

/** The items a transaction adds for its changes: a counter moved by a sum, an item checked to exist. */
export interface SharedItems {
  counter(key: string, delta: number): GuardedWrite;
  exists?(key: string): GuardedWrite;
}

/** Cancellation reasons of a transaction worth another try after a pause. */
const PASSING = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const ATTEMPTS = 10;

/** Transactions in flight at once, among those that share no item. */
const CONCURRENT = 4;

/**
 * Writes the changes in order, in transactions as full as they go; answers the refused ones, with why.
 * Transactions that share no counter and no checked or provided item are sent a few at once; one that shares
 * any with an earlier one waits for it (a counter would collide, and a check needs the item written first).
 */
export async function transactInGroups(
  client: DynamoDBDocumentClient,
  changes: readonly BulkChange[],
  shared: SharedItems,
): Promise<Map<number, string>> {
  const refused = new Map<number, string>();
  const groups: BulkChange[][] = [];
  let start = 0;
  while (start < changes.length) {
    const group: BulkChange[] = [];
    let size = 0;
    const counters = new Set<string>();
    const required = new Set<string>();
    for (let index = start; index < changes.length; index++) {
      const change = changes[index];
      if (!change) break;
      if (group.length > 0 && (change.alone || group[0]?.alone)) break;
      const extra =
        [...change.counters.keys()].filter((key) => !counters.has(key)).length +
        (change.requires && !required.has(change.requires) ? 1 : 0);
      if (group.length > 0 && size + change.writes.length + extra > MAX_TRANSACTION_ITEMS) break;
      group.push(change);
      size += change.writes.length + extra;
      for (const key of change.counters.keys()) counters.add(key);
      if (change.requires) required.add(change.requires);
    }
    start += group.length;
    groups.push(group);
  }
  // Each group after the last earlier one it shares an item with; at most CONCURRENT at once.
  const sharedKeys = (group: readonly BulkChange[]) =>
    new Set(
      group.flatMap((change) => [
        ...[...change.counters.keys()].map((key) => `counter:${key}`),
        ...(change.requires ? [`item:${change.requires}`] : []),
        ...(change.provides ?? []).map((key) => `item:${key}`),
      ]),
    );
  const done: Promise<void>[] = [];
  const lastOf = new Map<string, number>();
  const running = new Set<Promise<void>>();
  for (const [index, group] of groups.entries()) {
    const after = new Set<number>();
    for (const key of sharedKeys(group)) {
      const last = lastOf.get(key);
      if (last !== undefined) after.add(last);
      lastOf.set(key, index);
    }
    while (running.size >= CONCURRENT) await Promise.race(running);
    const waits = [...after].map((earlier) => done[earlier]);
    const work = Promise.all(waits).then(() => transactGroup(client, group, shared, refused));
    // `running` only paces the loop; a failure is thrown from the Promise.all below.
    const tracked: Promise<void> = work.catch(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);
    done.push(work);
  }
  await Promise.all(done);
  return refused;
}

async function transactGroup(
  client: DynamoDBDocumentClient,
  initial: readonly BulkChange[],
  shared: SharedItems,
  refused: Map<number, string>,
): Promise<void> {
  let group = [...initial];
  for (let attempt = 1; group.length > 0; attempt++) {
    const owner: number[] = [];
    const items: GuardedWrite[] = [];
    for (const change of group)
      for (const write of change.writes) {
        items.push(write);
        owner.push(change.seq);
      }
    const totals = new Map<string, number>();
    for (const change of group)
      for (const [key, delta] of change.counters) totals.set(key, (totals.get(key) ?? 0) + delta);
    const counterOf: string[] = [];
    for (const [key, delta] of totals) {
      if (delta === 0) continue;
      items.push(shared.counter(key, delta));
      owner.push(-1);
      counterOf[items.length - 1] = key;
    }
    const written = new Set(group.flatMap((change) => change.provides ?? []));
    const requiredOf: string[] = [];
    for (const key of new Set(
      group.flatMap((change) => (change.requires && !written.has(change.requires) ? [change.requires] : [])),
    )) {
      if (!shared.exists) break;
      items.push(shared.exists(key));
      owner.push(-1);
      requiredOf[items.length - 1] = key;
    }
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items.map((write) => write.item) }));
      return;
    } catch (error) {
      // A busy table refused the whole call (nothing written): the same transaction again, after a pause.
      if (isThrottling(error) && attempt < ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      if ((error as Error | undefined)?.name !== 'TransactionCanceledException') throw error;
      const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
        (reason) => reason.Code ?? 'None',
      );
      const out = new Set<number>();
      codes.forEach((code, index) => {
        if (code !== 'ConditionalCheckFailed') return;
        const reason = items[index]?.onConditionFailed?.().message ?? 'changed meanwhile';
        const refuse = (change: BulkChange) => {
          out.add(change.seq);
          refused.set(change.seq, reason);
        };
        const seq = owner[index];
        if (seq !== undefined && seq >= 0) {
          out.add(seq);
          refused.set(seq, reason);
        }
        const counter = counterOf[index];
        if (counter) for (const change of group) if (change.counters.has(counter)) refuse(change);
        const requiredKey = requiredOf[index];
        if (requiredKey) for (const change of group) if (change.requires === requiredKey) refuse(change);
      });
      if (out.size > 0) {
        group = group.filter((change) => !out.has(change.seq));
        continue;
      }
      const failed = codes.filter((code) => code !== 'None');
      if (failed.length === 0 || !failed.every((code) => PASSING.has(code)) || attempt >= ATTEMPTS)
        throw new Error(
          `The bulk write was cancelled (${[...new Set(failed)].join(', ') || 'no reason given'}); the run can be resumed.`,
        );
      await backoff(attempt);
    }
  }
}

/**
 * Consistent BatchGetItem of 100 keys a call; unprocessed keys, and calls refused by a busy table, retried
 * with backoff and jitter.
 */
export async function consistentBatchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Record<string, string>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const unique = [...new Map(itemKeys.map((key) => [JSON.stringify(key), key])).values()];
  for (let start = 0; start < unique.length; start += 100) {
    let pending: Record<string, unknown>[] = unique.slice(start, start + 100);
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const result = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(result.Responses?.[tableName] ?? []));
        pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      } catch (error) {
        if (!isThrottling(error) || attempt >= ATTEMPTS) throw error;
      }
      if (pending.length > 0) {
        if (attempt >= ATTEMPTS)
          throw new Error(`DynamoDB did not answer ${pending.length} reads; the run can be resumed.`);
        await backoff(attempt);
      }
    }
  }
  return found;
}

/**
 * Filtered queries that still fill a page: DynamoDB applies `Limit` before `FilterExpression`, so one call
 * can return fewer items than asked. We keep reading (bounded) and hand back a cursor at the last key read.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { withoutStorageAttributes } from './keys.ts';

/** Round trips one page may take before it is returned short, with a cursor to continue. */
const MAX_READS_PER_PAGE = 10;

export async function queryPage(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const items: Record<string, unknown>[] = [];
  let startKey = input.ExclusiveStartKey;
  for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
    const result = await client.send(
      new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: startKey }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
    if (!startKey || items.length >= limit) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** Reads every page of a query (for bounded sets such as a department subtree). */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey = input.ExclusiveStartKey;
  do {
    const result = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** `attr IN (:v0, :v1, ...)` in chunks of 100 (DynamoDB's limit per IN), joined with OR. */
export function inFilter(
  attribute: string,
  values: readonly string[],
): { expression: string; values: Record<string, string> } {
  const names: string[] = [];
  const bound: Record<string, string> = {};
  values.forEach((value, index) => {
    bound[`:in${index}`] = value;
    names.push(`:in${index}`);
  });
  const chunks: string[] = [];
  for (let start = 0; start < names.length; start += 100) {
    chunks.push(`${attribute} IN (${names.slice(start, start + 100).join(', ')})`);
  }
  return {
    expression: chunks.length > 1 ? `(${chunks.join(' OR ')})` : (chunks[0] ?? 'attribute_exists(pk)'),
    values: bound,
  };
}

/**
 * One page of one partition (of the table, or of a GSI), optionally within a sort-key prefix, each item
 * checked and stripped by `schema`; the cursor must come from the same partition.
 * @example pageOfPartition(client, table, { index: 'gsi2', partition: 'COURSE#1#WAITLIST', schema: WaitlistEntry }, page)
 */
export async function pageOfPartition<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: {
    index?: 'gsi1' | 'gsi2';
    partition: string;
    sortKeyPrefix?: string;
    newestFirst?: boolean;
    schema: { parse(item: unknown): T };
  },
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: T[]; nextCursor: string | null }> {
  const pkName = options.index ? `${options.index}pk` : 'pk';
  const skName = options.index ? `${options.index}sk` : 'sk';
  const result = await queryPage(
    client,
    {
      TableName: tableName,
      ...(options.index ? { IndexName: options.index } : {}),
      KeyConditionExpression: `${pkName} = :pk${options.sortKeyPrefix ? ` AND begins_with(${skName}, :prefix)` : ''}`,
      ExpressionAttributeValues: {
        ':pk': options.partition,
        ...(options.sortKeyPrefix ? { ':prefix': options.sortKeyPrefix } : {}),
      },
      ...(options.newestFirst ? { ScanIndexForward: false } : {}),
      ExclusiveStartKey: decodeCursor(
        page.cursor,
        options.index ? ['pk', 'sk', pkName, skName] : ['pk', 'sk'],
        { [pkName]: options.partition },
      ),
    },
    page.limit,
  );
  return {
    items: result.items.map((item) => options.schema.parse(withoutStorageAttributes(item))),
    nextCursor: result.nextCursor,
  };
}

/** Every item of `itemKeys` that exists (order not kept), in BatchGetItem calls of 100, unprocessed keys retried. */
export async function batchGetAll<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Record<string, unknown>[],
  schema: { parse(item: unknown): T },
): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < itemKeys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [tableName]: { Keys: itemKeys.slice(start, start + 100) },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of result.Responses?.[tableName] ?? [])
        found.push(schema.parse(withoutStorageAttributes(item)));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * The DynamoDB side of backups and restores: reading a table by parallel Scan, creating a restore table with
 * the LMS table's schema (keys, indexes, and TTL when asked), writing items in batches whose unprocessed part
 * is retried with backoff, and dropping a scratch table.
 */
import {
  type AttributeDefinition,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
  type WriteRequest,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { BackupTables } from '../use-cases/backups.ts';
import { parallelScan, type RawItem } from './table-scan.ts';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from './table-schema.ts';

/** BatchWriteItem's own limit. */
export const BATCH_WRITE_ITEMS = 25;

export interface BatchRetry {
  /** Calls of one batch before its unprocessed items fail the restore. @default 12 */
  readonly attempts: number;
  /** First backoff; doubled each time (with jitter), at most 5 s. @default 50 */
  readonly baseDelayMs: number;
}

const DEFAULT_RETRY: BatchRetry = { attempts: 12, baseDelayMs: 50 };

export class DynamoBackupTables implements BackupTables {
  constructor(
    private readonly client: DynamoDBClient,
    readonly liveTable: string,
    private readonly retry: BatchRetry = DEFAULT_RETRY,
  ) {}

  scan(
    tableName: string,
    segments: number,
    onPage: (segment: number, items: RawItem[]) => Promise<void> | void,
  ): Promise<number[]> {
    return parallelScan(this.client, { tableName, segments, onPage });
  }

  async createTable(tableName: string, options: { timeToLive: boolean }): Promise<void> {
    const keySchema = (partition: string, sort: string): KeySchemaElement[] => [
      { AttributeName: partition, KeyType: 'HASH' },
      { AttributeName: sort, KeyType: 'RANGE' },
    ];
    const attributes = [TABLE_KEYS, ...TABLE_INDEXES].flatMap((index) => [index.partitionKey, index.sortKey]);
    await this.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map(
          (name): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' }),
        ),
        KeySchema: keySchema(TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey),
        GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await waitUntilTableExists(
      { client: this.client, maxWaitTime: 600, minDelay: 1, maxDelay: 5 },
      { TableName: tableName },
    );
    if (options.timeToLive)
      await this.client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      );
  }

  async deleteTable(tableName: string): Promise<void> {
    try {
      await this.client.send(new DeleteTableCommand({ TableName: tableName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }

  /** Writes up to 25 puts or deletes; what DynamoDB leaves unprocessed is sent again after a backoff. */
  async writeBatch(tableName: string, requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.retry.attempts)
        throw new Error(
          `${pending.length} writes to ${tableName} stayed unprocessed after ${this.retry.attempts} attempts (the table is throttling): the restore stopped.`,
        );
      if (attempt > 1) await sleep(backoff(attempt - 1, this.retry.baseDelayMs));
      const { UnprocessedItems } = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/** Exponential backoff with full jitter, at most 5 s. */
function backoff(retry: number, baseMs: number): number {
  return Math.random() * Math.min(5_000, baseMs * 2 ** retry);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * A parallel Scan of the whole table: `segments` workers, each reading its segment page by page, in DynamoDB's
 * own attribute-value form (lossless: numbers stay exact, sets stay sets), for the logical backup and the
 * analytics export. The pages of one segment arrive in order; segments run concurrently.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

export type RawItem = Record<string, AttributeValue>;

export interface ParallelScan {
  readonly tableName: string;
  /** Concurrent segments (DynamoDB allows up to 1,000,000; a few per vCPU of the reader is plenty). */
  readonly segments: number;
  /** Items per page. @default DynamoDB's 1 MB page */
  readonly pageSize?: number;
  /** Strongly consistent pages (twice the read capacity). @default false */
  readonly consistent?: boolean;
  /** Called with each page of a segment, in order within the segment; the next page waits for it. */
  readonly onPage: (segment: number, items: RawItem[]) => Promise<void> | void;
}

/** Scans every segment to its end; resolves with the items read per segment. */
export async function parallelScan(client: DynamoDBClient, scan: ParallelScan): Promise<number[]> {
  const segments = Array.from({ length: scan.segments }, (_, segment) => segment);
  return Promise.all(
    segments.map(async (segment) => {
      let read = 0;
      let startKey: RawItem | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: scan.tableName,
            Segment: segment,
            TotalSegments: scan.segments,
            ExclusiveStartKey: startKey,
            ...(scan.pageSize ? { Limit: scan.pageSize } : {}),
            ...(scan.consistent ? { ConsistentRead: true } : {}),
          }),
        );
        const items = page.Items ?? [];
        read += items.length;
        await scan.onPage(segment, items);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return read;
    }),
  );
}

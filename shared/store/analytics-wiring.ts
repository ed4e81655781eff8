/**
 * Builds the analytics export's ports once per cold start: the table's parallel Scan, the DuckDB workspace on
 * /tmp and the analytics bucket. Its own module, so that only the export's worker bundles DuckDB.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDb, dynamoDbClient, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { AnalyticsExportPorts } from '../use-cases/analytics-export.ts';
import { S3AnalyticsBucket } from './analytics-bucket.ts';
import { openParquetWorkspace } from './analytics-parquet.ts';
import { DynamoJobRepository } from './content-store.ts';
import { parallelScan } from './table-scan.ts';
import { systemRuntime } from './wiring.ts';

/** Concurrent Scan segments: the scan waits on DynamoDB, not on the function's CPU. */
const SEGMENTS = 4;

export function analyticsExportPorts(): AnalyticsExportPorts {
  const tableName = requireSetting('tableName');
  const bucket = requireSetting('analyticsBucket');
  return {
    jobs: new DynamoJobRepository(dynamoDb(), tableName),
    runtime: systemRuntime,
    table: {
      scan: async (onPage) => {
        await parallelScan(dynamoDbClient(), {
          tableName,
          segments: SEGMENTS,
          onPage: (_segment, items) => onPage(items.map((item) => unmarshall(item))),
        });
      },
    },
    // DuckDB's share of the function's 2048 MB (the rest: Node, the scan's pages, the SDK).
    openWorkspace: () => openParquetWorkspace({ threads: 2, memoryLimit: '1GB' }),
    bucket: new S3AnalyticsBucket(s3Client(), bucket),
  };
}

/**
 * The retention run's one pass over the table (a parallel Scan): each page is swept of erased people's
 * personal data (ErasureSweep), and the audit records older than the cut-off are gathered, redacted as the
 * sweep leaves them, into one gzip NDJSON file per month of records in the backups bucket
 * (`audit/<yyyy>/<mm>/<runId>.ndjson.gz`, its manifest with the SHA-256 beside it). Only once a file and its
 * manifest are stored, and the file is listed at the size written, are its records deleted from the table.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { redactPersonalData } from '../use-cases/erasure.ts';
import type { RetentionSweep, RetentionSweepResult } from '../use-cases/retention.ts';
import { batchWriteAll } from './batch-write.ts';
import { ErasureSweep } from './erasure-store.ts';
import { parallelScan } from './table-scan.ts';

/** Old audit records one run exports at most (they are held in memory until written); the next run goes on. */
export const AUDIT_EXPORT_LIMIT = 200_000;

const SEGMENTS = 4;

export class DynamoRetentionSweep implements RetentionSweep {
  constructor(
    private readonly dynamo: { client: DynamoDBClient; document: DynamoDBDocumentClient; tableName: string },
    private readonly s3: S3Client,
    private readonly backupsBucket: string,
    private readonly limit = AUDIT_EXPORT_LIMIT,
  ) {}

  async run(input: Parameters<RetentionSweep['run']>[0]): Promise<RetentionSweepResult> {
    const sweep = new ErasureSweep(this.dynamo.client, this.dynamo.tableName, input.erased);
    /** Old audit records by month (`yyyy/mm`): their keys, and their lines as exported. */
    const months = new Map<string, { keys: { pk: string; sk: string }[]; lines: string[] }>();
    let gathered = 0;
    let remaining = false;
    let itemsRead = 0;
    await parallelScan(this.dynamo.client, {
      tableName: this.dynamo.tableName,
      segments: SEGMENTS,
      onPage: async (_segment, items) => {
        await sweep.sweep(items);
        for (const raw of items) {
          if (raw.entity?.S !== 'audit' || (raw.at?.S ?? '') >= input.auditBefore) continue;
          if (gathered >= this.limit) {
            remaining = true;
            continue;
          }
          const { pk, sk, entity: _entity, ...record } = unmarshall(raw);
          const month = String(record.at).slice(0, 7).replace('-', '/');
          const group = months.get(month) ?? { keys: [], lines: [] };
          group.keys.push({ pk, sk });
          group.lines.push(JSON.stringify(redactPersonalData(record, input.erased).value));
          months.set(month, group);
          gathered++;
        }
        itemsRead += items.length;
        await input.run.progress('scanning the table', itemsRead, 0, {
          itemsRead,
          itemsRedacted: sweep.counts.redacted,
          auditGathered: gathered,
        });
      },
    });
    const auditFiles: string[] = [];
    let exported = 0;
    for (const [month, group] of [...months].sort(([a], [b]) => a.localeCompare(b))) {
      await input.run.progress('exporting old audit records', exported, gathered);
      const file = `audit/${month}/${input.runId}.ndjson.gz`;
      const body = gzipSync(`${group.lines.join('\n')}\n`);
      const sha256 = createHash('sha256').update(body).digest('hex');
      await this.put(file, body, 'application/gzip');
      await this.put(
        `audit/${month}/${input.runId}.manifest.json`,
        Buffer.from(
          JSON.stringify({
            runId: input.runId,
            file,
            records: group.lines.length,
            sha256,
            auditBefore: input.auditBefore,
          }),
        ),
        'application/json',
      );
      await this.confirmStored(file, body.length);
      input.run.output(`audit-${month.replace('/', '-')}`, `s3://${this.backupsBucket}/${file}`);
      auditFiles.push(file);
      // Exported and its manifest stored: only now do the records leave the table.
      await batchWriteAll(
        this.dynamo.document,
        this.dynamo.tableName,
        group.keys.map((Key) => ({ DeleteRequest: { Key } })),
      );
      exported += group.lines.length;
    }
    return {
      itemsRead,
      itemsRedacted: sweep.counts.redacted,
      signInsDeleted: sweep.counts.signInsDeleted,
      auditExported: exported,
      auditDeleted: exported,
      auditFiles,
      auditRemaining: remaining,
    };
  }

  /** The export is listed in the bucket at the size written: only then may its records leave the table. */
  private async confirmStored(key: string, size: number): Promise<void> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.backupsBucket, Prefix: key, MaxKeys: 1 }),
    );
    const object = listed.Contents?.find((entry) => entry.Key === key);
    if (object?.Size !== size)
      throw new Error(
        `The audit export ${key} is not in the backups bucket as written (${size} bytes): its records stay in the table.`,
      );
  }

  private async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.backupsBucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

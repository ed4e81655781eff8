/** The audit trail in the single table: one partition per target, newest first. */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AuditRecord } from '../domain/audit.ts';
import type { AuditTrail, Page, PageRequest } from '../use-cases/ports.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import type { GuardedWrite } from './transact.ts';

/** The audit record as one write of the transaction that makes the change it describes. */
export function auditWrite(tableName: string, record: AuditRecord): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.audit(record.target, record.at, record.id), entity: 'audit', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

export class DynamoAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(target: string, page: PageRequest): Promise<Page<AuditRecord>> {
    const pk = keys.auditTrail(target);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, ['pk', 'sk'], { pk }),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => AuditRecord.parse(withoutStorageAttributes(item))),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }
}

/** The audit trail in the single table: one partition per target, newest first. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditRecord } from '../domain/audit.ts';
import type { AuditTrail, Page, PageRequest } from '../use-cases/ports.ts';
import { keys } from './keys.ts';
import { pageOfPartition } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';

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

  async append(record: AuditRecord): Promise<void> {
    await transactWrite(this.client, [auditWrite(this.tableName, record)]);
  }

  list(target: string, page: PageRequest): Promise<Page<AuditRecord>> {
    const partition = keys.auditTrail(target);
    return pageOfPartition(
      this.client,
      this.tableName,
      { partition, newestFirst: true, schema: AuditRecord },
      page,
    );
  }
}

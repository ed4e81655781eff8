/**
 * The bulk writes of business metrics an import makes: each figure conditional (the version the plan read,
 * or none yet for a new one) with its audit record, many figures in one transaction (bulk-transact.ts); one
 * whose condition fails is refused alone. A figure lives in its department's metrics partition
 * (`METRIC#<department>`), keyed by metric and period, so importing the same figure again replaces it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { BusinessMetric, businessMetricKey } from '../domain/business-metric.ts';
import type { BusinessMetricBulk, BusinessMetricChange } from '../use-cases/imports/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type BulkChange, consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { deleteVersioned, putVersioned } from './versioned.ts';

type Figure = Pick<BusinessMetric, 'departmentId' | 'metric' | 'periodStart' | 'periodEnd'>;

const keyOf = (figure: Figure) =>
  keys.businessMetric(figure.departmentId, figure.metric, figure.periodStart, figure.periodEnd);

export function businessMetricItem(figure: BusinessMetric): Record<string, unknown> {
  return { ...keyOf(figure), entity: 'business-metric', ...figure };
}

export class DynamoBusinessMetricBulk implements BusinessMetricBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(figures: readonly Figure[]): Promise<Map<string, BusinessMetric>> {
    const items = await consistentBatchGet(this.client, this.tableName, figures.map(keyOf));
    return new Map(
      items.map((item) => {
        const figure = BusinessMetric.parse(withoutStorageAttributes(item));
        return [businessMetricKey(figure), figure];
      }),
    );
  }

  write(
    changes: readonly BusinessMetricChange[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => {
        const audit = audits[index];
        return {
          seq: change.seq,
          writes: [
            putVersioned(this.tableName, businessMetricItem(change.after), {
              kind: 'business-metric',
              id: businessMetricKey(change.after),
              expected: change.before?.version ?? null,
            }),
            ...(audit ? [auditWrite(this.tableName, audit)] : []),
          ],
          counters: new Map(),
        };
      }),
    );
  }

  restore(
    changes: readonly { seq: number; before: BusinessMetric; after: BusinessMetric | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => {
        const { before, after } = change;
        const entity = { kind: 'business-metric', id: businessMetricKey(before), expected: before.version };
        const audit = audits[index];
        return {
          seq: change.seq,
          writes: [
            after
              ? putVersioned(this.tableName, businessMetricItem(after), entity)
              : deleteVersioned(this.tableName, keyOf(before), entity),
            ...(audit ? [auditWrite(this.tableName, audit)] : []),
          ],
          counters: new Map(),
        };
      }),
    );
  }

  private transact(changes: readonly BulkChange[]): Promise<Map<number, string>> {
    return transactInGroups(this.client, changes, {
      counter: () => {
        throw new Error('A business metrics import moves no counters.');
      },
    });
  }
}

/**
 * Report schedules in the single table: one item per schedule (in gsi1 while active, by `nextRunAt`, so the
 * tick reads those due as one key range; in gsi2 by owner), and one item per requested run not mailed yet
 * (in the schedule's partition, and gsi1 `REPORTDELIVERIES`). Every change is version-checked and written with
 * its audit record; the tick's advance is the same versioned write, so two ticks never both win a slot.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { StaleVersionError } from '../domain/errors.ts';
import { type PendingDelivery, ReportDeliverySettings, ReportSchedule } from '../domain/report-schedule.ts';
import type { Page, PageRequest } from '../use-cases/ports.ts';
import type {
  ReportDeliverySettingsRepository,
  ReportScheduleRepository,
} from '../use-cases/report-schedules.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition, queryAll } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';
import { putNew, putVersioned } from './versioned.ts';

const REPORT_DELIVERY = 'report-delivery';

export class DynamoReportScheduleRepository implements ReportScheduleRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<ReportSchedule | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.reportSchedule(id), ConsistentRead: true }),
    );
    return Item ? ReportSchedule.parse(withoutStorageAttributes(Item)) : undefined;
  }

  list(filter: { ownerId?: string }, page: PageRequest): Promise<Page<ReportSchedule>> {
    return pageOfPartition(
      this.client,
      this.tableName,
      {
        index: 'gsi2',
        partition: keys.reportSchedulesByOwner('', '', '').gsi2pk,
        ...(filter.ownerId ? { sortKeyPrefix: `${filter.ownerId}#` } : {}),
        schema: ReportSchedule,
      },
      page,
    );
  }

  async create(schedule: ReportSchedule, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, this.item(schedule), { kind: 'report schedule', id: schedule.id }),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(before: ReportSchedule, after: ReportSchedule, audit: AuditRecord | null): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(this.tableName, this.item(after), {
        kind: 'report schedule',
        id: after.id,
        expected: before.version,
      }),
      ...(audit ? [auditWrite(this.tableName, audit)] : []),
    ]);
  }

  async delete(schedule: ReportSchedule, audit: AuditRecord): Promise<void> {
    const owed = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :delivery)',
      ExpressionAttributeValues: { ':pk': keys.reportSchedule(schedule.id).pk, ':delivery': 'DELIVERY#' },
    });
    await transactWrite(this.client, [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.reportSchedule(schedule.id),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': schedule.version },
          },
        },
        onConditionFailed: () =>
          new StaleVersionError('report schedule', schedule.id, schedule.version, undefined),
      },
      // A schedule owes a run or two at most (one per tick while it is slow): well within a transaction.
      ...owed.slice(0, 90).map(
        (item): GuardedWrite => ({
          item: { Delete: { TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } } },
        }),
      ),
      auditWrite(this.tableName, audit),
    ]);
  }

  async due(now: string, limit: number): Promise<ReportSchedule[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
        ExpressionAttributeValues: {
          ':pk': keys.reportSchedulesDue('', '').gsi1pk,
          // `<nextRunAt>#<id>`: every id of a time at or before now sorts below `<now>#~`.
          ':until': `${now}#~`,
        },
        Limit: limit,
      }),
    );
    // The index is eventually consistent: the item itself is read again, and only if still due is it run.
    const due: ReportSchedule[] = [];
    for (const item of Items ?? []) {
      const schedule = await this.get(String(item.id));
      if (schedule?.status === 'active' && schedule.nextRunAt !== null && schedule.nextRunAt <= now)
        due.push(schedule);
    }
    return due;
  }

  async recordRun(
    scheduleId: string,
    run: { jobId: string | null; at: string; error: string | null },
    audit: AuditRecord | null,
  ): Promise<void> {
    const writes: GuardedWrite[] = [
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: keys.reportSchedule(scheduleId),
            UpdateExpression: 'SET lastRunId = :job, lastError = :error, version = version + :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':job': run.jobId, ':error': run.error, ':one': 1 },
          },
        },
        onConditionFailed: () => new ScheduleGone(),
      },
    ];
    if (run.jobId)
      writes.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.reportDelivery(scheduleId, run.jobId),
              ...keys.reportDeliveriesPending(run.at, run.jobId),
              entity: 'report-delivery',
              scheduleId,
              jobId: run.jobId,
              requestedAt: run.at,
            },
          },
        },
      });
    if (audit) writes.push(auditWrite(this.tableName, audit));
    try {
      await transactWrite(this.client, writes);
    } catch (error) {
      if (!(error instanceof ScheduleGone)) throw error;
    }
  }

  async pendingDeliveries(limit: number): Promise<PendingDelivery[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.reportDeliveriesPending('', '').gsi1pk },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => ({
      scheduleId: String(item.scheduleId),
      jobId: String(item.jobId),
      requestedAt: String(item.requestedAt),
    }));
  }

  async claimDelivery(delivery: PendingDelivery, until: string, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reportDelivery(delivery.scheduleId, delivery.jobId),
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeValues: { ':until': until, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async completeDelivery(delivery: PendingDelivery, audit: AuditRecord | null): Promise<void> {
    const key = keys.reportDelivery(delivery.scheduleId, delivery.jobId);
    if (!audit) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
      return;
    }
    await transactWrite(this.client, [
      { item: { Delete: { TableName: this.tableName, Key: key } } },
      auditWrite(this.tableName, audit),
    ]);
  }

  private item(schedule: ReportSchedule): Record<string, unknown> {
    return {
      ...keys.reportSchedule(schedule.id),
      // Only active schedules are in the due index.
      ...(schedule.status === 'active' && schedule.nextRunAt
        ? keys.reportSchedulesDue(schedule.nextRunAt, schedule.id)
        : {}),
      ...keys.reportSchedulesByOwner(schedule.ownerId, schedule.createdAt, schedule.id),
      entity: 'report-schedule',
      ...schedule,
    };
  }
}

class ScheduleGone extends Error {}

/** The report delivery settings (allowed recipient domains): one settings document, versioned, audited. */
export class DynamoReportDeliverySettings implements ReportDeliverySettingsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reportDelivery(): Promise<ReportDeliverySettings | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.settings(REPORT_DELIVERY),
        ConsistentRead: true,
      }),
    );
    return Item ? ReportDeliverySettings.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async saveReportDelivery(
    before: ReportDeliverySettings,
    after: ReportDeliverySettings,
    audit: AuditRecord,
  ): Promise<void> {
    const item = { ...keys.settings(REPORT_DELIVERY), entity: 'settings', ...after };
    const entity = { kind: 'settings', id: REPORT_DELIVERY };
    await transactWrite(this.client, [
      // The defaults are version 1 and never stored: the first change creates the item.
      before.version === 1
        ? putNew(this.tableName, item, entity)
        : putVersioned(this.tableName, item, { ...entity, expected: before.version }),
      auditWrite(this.tableName, audit),
    ]);
  }
}

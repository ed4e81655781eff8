/**
 * Imports in the single table: the import's record (`IMPORT#<id>` / `IMPORT`, listed on gsi1 by time) and
 * its change log (`IMPORT#<id>` / `CHANGE#<seq>`); and the bulk writes of people an import makes (those of
 * enrollments are in enrollment-bulk.ts).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AuditRecord } from '../domain/audit.ts';
import { BusinessMetric } from '../domain/business-metric.ts';
import { Cohort, CohortMember } from '../domain/cohort.ts';
import { Course } from '../domain/course.ts';
import { Department } from '../domain/department.ts';
import { Enrollment } from '../domain/enrollment.ts';
import { Import } from '../domain/import.ts';
import { User } from '../domain/user.ts';
import type {
  Change,
  ChangeLog,
  ImportRecord,
  ImportRepository,
  PeopleBulk,
  PersonChange,
  WaitingChange,
} from '../use-cases/imports/ports.ts';
import type { Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { batchWriteAll, type WriteRequest, whileThrottled } from './batch-write.ts';
import { type BulkChange, consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition } from './query-pages.ts';
import { TTL_ATTRIBUTE } from './table-schema.ts';
import { transactWrite } from './transact.ts';
import { memberCount, profileWrites, userExists } from './user-store.ts';
import { putNew, putVersioned } from './versioned.ts';

/** How long waiting changes are kept should their run die before settling them (the table's TTL). */
const WAITING_DAYS = 30;

const StoredImport = Import.extend({
  plan: z.object({ entries: z.number().int(), parts: z.record(z.string(), z.number().int()) }).nullable(),
  checkpoint: z.number().int(),
  lease: z.object({ run: z.string(), until: z.string() }).nullable(),
  waited: z.number().int().default(0),
});

function toRecord(item: Record<string, unknown>): ImportRecord {
  return StoredImport.parse(withoutStorageAttributes(item)) as ImportRecord;
}

function toItem(record: ImportRecord): Record<string, unknown> {
  return {
    ...keys.importRecord(record.id),
    ...keys.importsByTime(record.createdAt, record.id),
    entity: 'import',
    ...record,
  };
}

export class DynamoImportRepository implements ImportRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ImportRecord, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, toItem(record), { kind: 'import', id: record.id }),
      auditWrite(this.tableName, audit),
    ]);
  }

  /** Read at every chunk of a run: a busy table is waited out (see whileThrottled). */
  async get(id: string): Promise<ImportRecord | undefined> {
    const { Item } = await whileThrottled(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keys.importRecord(id), ConsistentRead: true }),
      ),
    );
    return Item ? toRecord(Item) : undefined;
  }

  list(page: PageRequest): Promise<Page<ImportRecord>> {
    return pageOfPartition(
      this.client,
      this.tableName,
      {
        index: 'gsi1',
        partition: 'IMPORTS',
        newestFirst: true,
        schema: { parse: (item) => toRecord(item as Record<string, unknown>) },
      },
      page,
    );
  }

  /** Saved at every chunk of a run (lease, checkpoint): a busy table is waited out, the version still checked. */
  async save(record: ImportRecord, expectedVersion: number, audit?: AuditRecord): Promise<void> {
    await whileThrottled(() =>
      transactWrite(this.client, [
        putVersioned(this.tableName, toItem(record), {
          kind: 'import',
          id: record.id,
          expected: expectedVersion,
        }),
        ...(audit ? [auditWrite(this.tableName, audit)] : []),
      ]),
    );
  }
}

/** A change of one kind as logged: its op, its position and line in the plan, and its write's fields. */
const logged = <const Op extends string, Shape extends z.ZodRawShape>(op: Op, shape: Shape) =>
  z.object({ op: z.literal(op), seq: z.number().int(), line: z.number().int(), ...shape });

/** A change-log entry as stored: the change, whichever kind of record it wrote. */
const LoggedChange = z.discriminatedUnion('op', [
  logged('person', { before: User.nullable(), after: User }),
  logged('enrollment', {
    before: Enrollment.nullable(),
    after: Enrollment,
    enrolledFirst: Enrollment.optional(),
    capacity: z.number().int().nullable(),
  }),
  logged('course', { before: Course.nullable(), after: Course, steps: z.array(Course) }),
  logged('department', { before: z.null(), after: Department }),
  logged('cohort', { before: z.null(), after: Cohort }),
  logged('membership', { before: z.null(), after: CohortMember, key: z.string() }),
  logged('business-metric', { before: BusinessMetric.nullable(), after: BusinessMetric }),
]);

/** Every kind of change apply makes has its schema above: a kind left out would fail its undo at run time. */
const everyKindLogged: [Exclude<Change['op'], z.infer<typeof LoggedChange>['op']>] extends [never]
  ? true
  : never = true;
void everyKindLogged;

export class DynamoChangeLog implements ChangeLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async log(importId: string, changes: readonly Change[]): Promise<void> {
    await this.put(
      changes.map((change) => ({
        ...keys.importChange(importId, change.seq),
        entity: 'import-change',
        ...change,
      })),
    );
  }

  unlog(importId: string, seqs: readonly number[]): Promise<void> {
    return this.remove(seqs.map((seq) => keys.importChange(importId, seq)));
  }

  async changes(importId: string, before: number, limit: number): Promise<Change[]> {
    if (before <= 0) return [];
    const { Items } = await whileThrottled(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.importChange(importId, 0).pk,
            ':from': keys.importChange(importId, 0).sk,
            ':to': keys.importChange(importId, before - 1).sk,
          },
          ConsistentRead: true,
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (Items ?? []).map((item) => LoggedChange.parse(item));
  }

  async wait(importId: string, waiting: readonly WaitingChange[]): Promise<void> {
    // Waiting changes are settled or given up on by the run that lists them; one that dies first lets them expire.
    const expiresAt = Math.floor(Date.now() / 1000) + WAITING_DAYS * 24 * 60 * 60;
    await this.put(
      waiting.map(({ change, reason }) => ({
        ...keys.importWaiting(importId, change.seq),
        entity: 'import-waiting',
        change,
        reason,
        [TTL_ATTRIBUTE]: expiresAt,
      })),
    );
  }

  async waiting(importId: string, after: number, limit: number): Promise<WaitingChange[]> {
    const items = await this.waitingPage(importId, after, limit);
    return items.map((item) => ({ change: LoggedChange.parse(item.change), reason: String(item.reason) }));
  }

  unwait(importId: string, seqs: readonly number[]): Promise<void> {
    return this.remove(seqs.map((seq) => keys.importWaiting(importId, seq)));
  }

  private async put(items: Record<string, unknown>[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  private async remove(itemKeys: { pk: string; sk: string }[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      itemKeys.map((Key): WriteRequest => ({ DeleteRequest: { Key } })),
    );
  }

  /** The waiting changes (`WAIT#`), in order, from `after` (exclusive). */
  private async waitingPage(
    importId: string,
    after: number,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const { Items } = await whileThrottled(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.importWaiting(importId, 0).pk,
            ':from': keys.importWaiting(importId, after + 1).sk,
            ':to': 'WAIT#~',
          },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return Items ?? [];
  }
}

export class DynamoPeopleBulk implements PeopleBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ids: readonly string[]): Promise<Map<string, User>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      ids.map((id) => keys.user(id)),
    );
    return new Map(
      items.map((item) => {
        const user = User.parse(withoutStorageAttributes(item));
        return [user.id, user];
      }),
    );
  }

  async owners(kind: 'email' | 'externalId', values: readonly string[]): Promise<Map<string, string>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      values.map((value) => keys.unique(kind, value)),
    );
    const owners = new Map<string, string>();
    const prefix = `UNIQUE#${kind}#`;
    for (const item of items)
      if (typeof item.ownerId === 'string') owners.set(String(item.pk).slice(prefix.length), item.ownerId);
    return owners;
  }

  write(changes: readonly PersonChange[], audits: readonly AuditRecord[]): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) =>
        this.profileChange(change.seq, change.before, change.after, audits[index], {
          requires:
            change.after.managerId && change.after.managerId !== change.before?.managerId
              ? change.after.managerId
              : null,
        }),
      ),
    );
  }

  restore(
    changes: readonly { seq: number; before: User; after: User | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) =>
        this.profileChange(change.seq, change.before, change.after, audits[index], { requires: null }),
      ),
    );
  }

  /** A profile's writes (with its claims and audit record), its department moves and the manager it needs. */
  private profileChange(
    seq: number,
    before: User | null,
    after: User | null,
    audit: AuditRecord | undefined,
    { requires }: { requires: string | null },
  ): BulkChange {
    return {
      seq,
      writes: [
        ...profileWrites(this.tableName, before, after),
        ...(audit ? [auditWrite(this.tableName, audit)] : []),
      ],
      counters: departmentMoves(before, after),
      requires,
      provides: [(after ?? before)?.id ?? ''],
    };
  }

  /** Department member counts summed per transaction; a new manager checked unless written alongside. */
  private transact(changes: readonly BulkChange[]): Promise<Map<number, string>> {
    return transactInGroups(this.client, changes, {
      counter: (departmentId, delta) => memberCount(this.tableName, departmentId, delta),
      exists: (userId) => userExists(this.tableName, userId, 'to be the manager'),
    });
  }
}

/** The member counts a change moves: -1 for the department left, +1 for the one joined. */
function departmentMoves(before: User | null, after: User | null): Map<string, number> {
  const moves = new Map<string, number>();
  const from = before?.departmentId ?? null;
  const to = after?.departmentId ?? null;
  if (from === to) return moves;
  if (from) moves.set(from, -1);
  if (to) moves.set(to, (moves.get(to) ?? 0) + 1);
  return moves;
}

/**
 * Imports in the single table: the import's record (`IMPORT#<id>` / `IMPORT`, listed on gsi1 by time) and
 * its change log (`IMPORT#<id>` / `CHANGE#<seq>`); and the bulk writes of people an import makes.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AuditRecord } from '../domain/audit.ts';
import { Import } from '../domain/import.ts';
import { User } from '../domain/user.ts';
import type { ImportRecord, ImportRepository, PeopleBulk, PersonChange } from '../use-cases/imports/ports.ts';
import type { Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { batchWriteAll, type WriteRequest } from './batch-write.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition } from './query-pages.ts';
import { type GuardedWrite, MAX_TRANSACTION_ITEMS, transactWrite } from './transact.ts';
import { memberCount, profileWrites, userExists } from './user-store.ts';
import { putNew, putVersioned } from './versioned.ts';

const StoredImport = Import.extend({
  plan: z.object({ entries: z.number().int(), parts: z.record(z.string(), z.number().int()) }).nullable(),
  checkpoint: z.number().int(),
  lease: z.object({ run: z.string(), until: z.string() }).nullable(),
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

  async get(id: string): Promise<ImportRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.importRecord(id), ConsistentRead: true }),
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

  async save(record: ImportRecord, expectedVersion: number, audit?: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(this.tableName, toItem(record), {
        kind: 'import',
        id: record.id,
        expected: expectedVersion,
      }),
      ...(audit ? [auditWrite(this.tableName, audit)] : []),
    ]);
  }
}

/** Backoff of a transaction DynamoDB cancelled for a passing reason (another writer, throttling). */
const PASSING = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const ATTEMPTS = 10;

/** One change's writes in a bulk transaction, and what the group must add for it. */
interface Planned {
  seq: number;
  writes: GuardedWrite[];
  /** Member-count moves, summed per department within a transaction. */
  departments: Map<string, number>;
  /** A manager to check exists, unless the same transaction writes them. */
  manager: string | null;
  /** The profiles it writes. */
  ids: string[];
}

export class DynamoPeopleBulk implements PeopleBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ids: readonly string[]): Promise<Map<string, User>> {
    const items = await this.batchGet(ids.map((id) => keys.user(id)));
    return new Map(
      items.map((item) => {
        const user = User.parse(withoutStorageAttributes(item));
        return [user.id, user];
      }),
    );
  }

  async owners(kind: 'email' | 'externalId', values: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(values)];
    const items = await this.batchGet(unique.map((value) => keys.unique(kind, value)));
    const owners = new Map<string, string>();
    const prefix = `UNIQUE#${kind}#`;
    for (const item of items)
      if (typeof item.ownerId === 'string') owners.set(String(item.pk).slice(prefix.length), item.ownerId);
    return owners;
  }

  write(changes: readonly PersonChange[], audits: readonly AuditRecord[]): Promise<Map<number, string>> {
    const planned = changes.map((change, index) => {
      const audit = audits[index];
      return {
        seq: change.seq,
        writes: [
          ...profileWrites(this.tableName, change.before, change.after),
          ...(audit ? [auditWrite(this.tableName, audit)] : []),
        ],
        departments: departmentMoves(change.before, change.after),
        manager:
          change.after.managerId && change.after.managerId !== change.before?.managerId
            ? change.after.managerId
            : null,
        ids: [change.after.id],
      };
    });
    return this.transactInGroups(planned);
  }

  restore(
    changes: readonly { seq: number; before: User; after: User | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    const planned = changes.map((change, index) => {
      const audit = audits[index];
      return {
        seq: change.seq,
        writes: [
          ...profileWrites(this.tableName, change.before, change.after),
          ...(audit ? [auditWrite(this.tableName, audit)] : []),
        ],
        departments: departmentMoves(change.before, change.after),
        manager: null,
        ids: [change.before.id],
      };
    });
    return this.transactInGroups(planned);
  }

  async log(importId: string, changes: readonly PersonChange[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      changes.map((change) => ({
        PutRequest: {
          Item: { ...keys.importChange(importId, change.seq), entity: 'import-change', ...change },
        },
      })),
    );
  }

  async unlog(importId: string, seqs: readonly number[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      seqs.map((seq): WriteRequest => ({ DeleteRequest: { Key: keys.importChange(importId, seq) } })),
    );
  }

  async changes(importId: string, after: number, limit: number): Promise<PersonChange[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.importChange(importId, 0).pk,
          ':from': keys.importChange(importId, after + 1).sk,
          ':to': 'CHANGE#~',
        },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => ({
      seq: Number(item.seq),
      line: Number(item.line),
      before: item.before ? User.parse(item.before) : null,
      after: User.parse(item.after),
    }));
  }

  /**
   * Writes the changes in transactions of up to 100 items, each change whole in one. When a transaction is
   * cancelled on failed conditions, the changes whose writes failed are answered as refused (with the
   * condition's reason) and the transaction is tried again without them; passing causes are retried with
   * backoff. Department counts are summed per department within a transaction (an item once per
   * transaction), and a manager is checked to exist unless the same transaction creates them.
   */
  private async transactInGroups(changes: readonly Planned[]): Promise<Map<number, string>> {
    const refused = new Map<number, string>();
    let start = 0;
    while (start < changes.length) {
      const group: Planned[] = [];
      let size = 0;
      const departments = new Set<string>();
      const managers = new Set<string>();
      for (let index = start; index < changes.length; index++) {
        const change = changes[index];
        if (!change) break;
        const extra =
          [...change.departments.keys()].filter((id) => !departments.has(id)).length +
          (change.manager && !managers.has(change.manager) ? 1 : 0);
        if (group.length > 0 && size + change.writes.length + extra > MAX_TRANSACTION_ITEMS) break;
        group.push(change);
        size += change.writes.length + extra;
        for (const id of change.departments.keys()) departments.add(id);
        if (change.manager) managers.add(change.manager);
      }
      start += group.length;
      await this.transactGroup(group, refused);
    }
    return refused;
  }

  private async transactGroup(initial: readonly Planned[], refused: Map<number, string>): Promise<void> {
    let group = [...initial];
    for (let attempt = 1; group.length > 0; attempt++) {
      const owner: number[] = [];
      const items: GuardedWrite[] = [];
      for (const change of group)
        for (const write of change.writes) {
          items.push(write);
          owner.push(change.seq);
        }
      const totals = new Map<string, number>();
      for (const change of group)
        for (const [id, delta] of change.departments) totals.set(id, (totals.get(id) ?? 0) + delta);
      const departmentOf: string[] = [];
      for (const [id, delta] of totals) {
        if (delta === 0) continue;
        items.push(memberCount(this.tableName, id, delta));
        owner.push(-1);
        departmentOf[items.length - 1] = id;
      }
      // A manager the same transaction writes is not checked on its own (one item once per transaction):
      // if their write fails, the transaction is tried again without them, and then they are checked.
      const written = new Set(group.flatMap((change) => change.ids));
      const managerOf: string[] = [];
      for (const manager of new Set(
        group.flatMap((change) => (change.manager && !written.has(change.manager) ? [change.manager] : [])),
      )) {
        items.push(userExists(this.tableName, manager, 'to be the manager'));
        owner.push(-1);
        managerOf[items.length - 1] = manager;
      }
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items.map((write) => write.item) }));
        return;
      } catch (error) {
        if ((error as Error | undefined)?.name !== 'TransactionCanceledException') throw error;
        const codes = (
          (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
        ).map((reason) => reason.Code ?? 'None');
        const out = new Set<number>();
        codes.forEach((code, index) => {
          if (code !== 'ConditionalCheckFailed') return;
          const seq = owner[index];
          const reason = items[index]?.onConditionFailed?.().message ?? 'changed meanwhile';
          if (seq !== undefined && seq >= 0) {
            out.add(seq);
            refused.set(seq, reason);
          }
          const department = departmentOf[index];
          if (department)
            for (const change of group)
              if (change.departments.has(department)) {
                out.add(change.seq);
                refused.set(change.seq, reason);
              }
          const manager = managerOf[index];
          if (manager)
            for (const change of group)
              if (change.manager === manager) {
                out.add(change.seq);
                refused.set(change.seq, reason);
              }
        });
        if (out.size > 0) {
          group = group.filter((change) => !out.has(change.seq));
          continue;
        }
        const failed = codes.filter((code) => code !== 'None');
        if (failed.length === 0 || !failed.every((code) => PASSING.has(code)) || attempt >= ATTEMPTS)
          throw new Error(
            `The bulk write was cancelled (${[...new Set(failed)].join(', ') || 'no reason given'}); the run can be resumed.`,
          );
        await new Promise((done) => setTimeout(done, Math.random() * Math.min(5000, 25 * 2 ** attempt)));
      }
    }
  }

  /** Consistent BatchGetItem of 100 keys a call; unprocessed keys retried with backoff. */
  private async batchGet(itemKeys: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < itemKeys.length; start += 100) {
      let pending: Record<string, unknown>[] = itemKeys.slice(start, start + 100);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        found.push(...(result.Responses?.[this.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0) {
          if (attempt >= ATTEMPTS)
            throw new Error(`DynamoDB did not answer ${pending.length} reads; the run can be resumed.`);
          await new Promise((done) => setTimeout(done, Math.random() * Math.min(5000, 25 * 2 ** attempt)));
        }
      }
    }
    return found;
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

/**
 * The bulk writes of courses an import makes: each course conditional (the version the plan read, or none
 * yet for a new one), with its code claim (a new course's code must be free) and its audit records, many
 * courses in one transaction (bulk-transact.ts); one whose condition fails is refused alone.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Course } from '../domain/course.ts';
import type { CourseBulk, CourseChange } from '../use-cases/imports/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type BulkChange, consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { codeClaim, courseItem } from './catalog-store.ts';
import { moveClaim } from './claims.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { deleteVersioned, putVersioned } from './versioned.ts';

const CLAIM_PREFIX = 'UNIQUE#courseCode#';

export class DynamoCourseBulk implements CourseBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ids: readonly string[]): Promise<Map<string, Course>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      ids.map((id) => keys.course(id)),
    );
    return new Map(
      items.map((item) => {
        const course = Course.parse(withoutStorageAttributes(item));
        return [course.id, course];
      }),
    );
  }

  async owners(codes: readonly string[]): Promise<Map<string, string>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      codes.map((code) => keys.unique('courseCode', code.toLowerCase())),
    );
    const owners = new Map<string, string>();
    for (const item of items)
      if (typeof item.ownerId === 'string')
        owners.set(String(item.pk).slice(CLAIM_PREFIX.length), item.ownerId);
    return owners;
  }

  write(
    changes: readonly CourseChange[],
    audits: readonly (readonly AuditRecord[])[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => ({
        seq: change.seq,
        writes: [
          putVersioned(this.tableName, courseItem(change.after), {
            kind: 'course',
            id: change.after.id,
            expected: change.before?.version ?? null,
          }),
          ...moveClaim(
            this.tableName,
            change.before ? codeClaim(change.before) : undefined,
            codeClaim(change.after),
          ),
          ...(audits[index] ?? []).map((audit) => auditWrite(this.tableName, audit)),
        ],
        counters: new Map(),
      })),
    );
  }

  restore(
    changes: readonly { seq: number; before: Course; after: Course | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => {
        const { before, after } = change;
        const entity = { kind: 'course', id: before.id, expected: before.version };
        const audit = audits[index];
        return {
          seq: change.seq,
          writes: [
            after
              ? putVersioned(this.tableName, courseItem(after), entity)
              : deleteVersioned(this.tableName, keys.course(before.id), entity),
            ...moveClaim(this.tableName, codeClaim(before), after ? codeClaim(after) : undefined),
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
        throw new Error('A course import moves no counters.');
      },
    });
  }
}

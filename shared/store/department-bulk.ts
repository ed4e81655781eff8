/**
 * The bulk writes of departments an import creates (a Canvas SIS zip's accounts): each department with its
 * name claim (free among its siblings), its parent's count of sub-departments and its audit record, as the
 * API's create writes them. One department a transaction: a parent and its child in one transaction would
 * write the parent's item twice, which DynamoDB refuses; a child's transaction waits for its parent's (it
 * requires the parent's key, which the parent provides), and the others go 4 at once (bulk-transact.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Department } from '../domain/department.ts';
import { ConflictError } from '../domain/errors.ts';
import type { DepartmentBulk, DepartmentCreation } from '../use-cases/imports/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type BulkChange, consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { claimWrite, releaseWrite } from './claims.ts';
import { childCount, departmentItem, departmentNameClaim } from './department-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { deleteVersioned, putNew } from './versioned.ts';

export class DynamoDepartmentBulk implements DepartmentBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ids: readonly string[]): Promise<Map<string, Department>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      ids.map((id) => keys.department(id)),
    );
    return new Map(
      items.map((item) => {
        const department = Department.parse(withoutStorageAttributes(item));
        return [department.id, department];
      }),
    );
  }

  create(
    creations: readonly DepartmentCreation[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      creations.map((creation, index) => {
        const department = creation.after;
        const audit = audits[index];
        return this.change(creation.seq, department, 1, [
          putNew(this.tableName, departmentItem(department), { kind: 'department', id: department.id }),
          claimWrite(this.tableName, departmentNameClaim(department)),
          ...(audit ? [auditWrite(this.tableName, audit)] : []),
        ]);
      }),
    );
  }

  remove(
    removals: readonly { seq: number; department: Department }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      removals.map(({ seq, department }, index) => {
        const audit = audits[index];
        return this.change(seq, department, -1, [
          deleteVersioned(
            this.tableName,
            keys.department(department.id),
            { kind: 'department', id: department.id, expected: department.version },
            {
              condition: 'memberCount = :zero AND childCount = :zero',
              values: { ':zero': 0 },
              refusal: () =>
                new ConflictError(
                  'changed, or given people or sub-departments, since the import: left as it is',
                ),
            },
          ),
          releaseWrite(this.tableName, departmentNameClaim(department)),
          ...(audit ? [auditWrite(this.tableName, audit)] : []),
        ]);
      }),
    );
  }

  /** One department's change: alone in its transaction, ordered after (or, removed, before) its parent's. */
  private change(
    seq: number,
    department: Department,
    delta: 1 | -1,
    writes: BulkChange['writes'],
  ): BulkChange {
    return {
      seq,
      writes,
      counters: new Map(department.parentId ? [[department.parentId, delta]] : []),
      requires: department.parentId,
      provides: [department.id],
      alone: true,
    };
  }

  /** The parent's count moved in the change's own transaction; its existence is that write's condition. */
  private transact(changes: readonly BulkChange[]): Promise<Map<number, string>> {
    return transactInGroups(this.client, changes, {
      counter: (parentId, delta) => ({
        ...childCount(this.tableName, parentId, delta),
        onConditionFailed: () =>
          new ConflictError('its parent department is not there (not created, or removed since)'),
      }),
    });
  }
}

/**
 * Departments in the single table. Each carries its materialised path (gsi1sk), so a subtree is one
 * begins_with query; names are unique among siblings through a claim item; `childCount` and `memberCount`
 * guard deletion through the delete's own condition.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Department } from '../domain/department.ts';
import { ConflictError } from '../domain/errors.ts';
import type { DepartmentChange, DepartmentRepository, Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimWrite, moveClaim, releaseWrite, siblingNameKey } from './claims.ts';
import { decodeCursor } from './cursor.ts';
import { departmentPath, keys, withoutStorageAttributes } from './keys.ts';
import { inFilter, queryAll, queryPage } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';
import { userExists } from './user-store.ts';
import { deleteVersioned, putNew, updateVersioned } from './versioned.ts';

const ALL_DEPARTMENTS = keys.departmentsByPath('').gsi1pk;

export class DynamoDepartmentRepository implements DepartmentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Department | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.department(id) }),
    );
    return Item ? toDepartment(Item) : undefined;
  }

  async list(
    filter: { parentId?: string | undefined; withinDepartments?: readonly string[] | undefined },
    page: PageRequest,
  ): Promise<Page<Department>> {
    const values: Record<string, unknown> = { ':pk': ALL_DEPARTMENTS };
    const conditions: string[] = [];
    let keyCondition = 'gsi1pk = :pk';
    if (filter.parentId !== undefined) {
      const parent = await this.get(filter.parentId);
      if (!parent) return { items: [], nextCursor: null };
      values[':path'] = departmentPath(parent.ancestorIds, parent.id);
      values[':parent'] = parent.id;
      keyCondition += ' AND begins_with(gsi1sk, :path)';
      conditions.push('parentId = :parent');
    }
    if (filter.withinDepartments) {
      const within = inFilter('id', filter.withinDepartments);
      conditions.push(within.expression);
      Object.assign(values, within.values);
    }
    const result = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: keyCondition,
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeValues: values,
        ExclusiveStartKey: decodeCursor(page.cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], {
          gsi1pk: ALL_DEPARTMENTS,
        }),
      },
      page.limit,
    );
    return { items: result.items.map(toDepartment), nextCursor: result.nextCursor };
  }

  async subtree(department: Department): Promise<Department[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :path)',
      ExpressionAttributeValues: {
        ':pk': ALL_DEPARTMENTS,
        ':path': departmentPath(department.ancestorIds, department.id),
      },
    });
    return items.map(toDepartment);
  }

  /**
   * Reads every department (thousands at most; a first SSO sign-in is the caller) and compares names here:
   * DynamoDB filters cannot ignore case, and the name claim's key needs the parent.
   */
  async named(name: string): Promise<Department[]> {
    const wanted = name.trim().toLowerCase();
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ALL_DEPARTMENTS },
    });
    return items
      .filter((item) => typeof item.name === 'string' && item.name.trim().toLowerCase() === wanted)
      .map(toDepartment);
  }

  async managedBy(userId: string): Promise<Department[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.departmentsOfManager(userId, '').gsi2pk },
    });
    return items.map(toDepartment);
  }

  async create(department: Department, parent: Department | undefined, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, departmentItem(department), { kind: 'department', id: department.id }),
      claimWrite(this.tableName, departmentNameClaim(department)),
      ...(parent ? [this.countChild(parent, 1, true)] : []),
      ...(department.managerId
        ? [userExists(this.tableName, department.managerId, 'to manage this department')]
        : []),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(move: DepartmentChange, audit: AuditRecord): Promise<void> {
    const { before, after, descendants, newParent } = move;
    const writes: GuardedWrite[] = [
      this.rewrite(after, before.version),
      ...moveClaim(this.tableName, departmentNameClaim(before), departmentNameClaim(after)),
    ];
    if (after.parentId !== before.parentId) {
      if (before.parentId) writes.push(childCount(this.tableName, before.parentId, -1));
      if (newParent) writes.push(this.countChild(newParent, 1, true));
    }
    for (const descendant of descendants) {
      writes.push({
        ...this.rewrite({ ...descendant, version: descendant.version + 1 }, descendant.version),
        // Not the caller's copy that is stale but a sub-department the move read: a conflict, not a 412.
        onConditionFailed: () =>
          new ConflictError(`The sub-department ${descendant.name} changed during the move; try again.`),
      });
    }
    if (after.managerId && after.managerId !== before.managerId)
      writes.push(userExists(this.tableName, after.managerId, 'to manage this department'));
    writes.push(auditWrite(this.tableName, audit));
    await transactWrite(this.client, writes);
  }

  async delete(department: Department, audit: AuditRecord): Promise<void> {
    if (department.memberCount > 0 || department.childCount > 0) throw notEmpty(department);
    await transactWrite(this.client, [
      deleteVersioned(
        this.tableName,
        keys.department(department.id),
        { kind: 'department', id: department.id, expected: department.version },
        {
          condition: 'memberCount = :zero AND childCount = :zero',
          values: { ':zero': 0 },
          refusal: () =>
            new ConflictError(
              `The department ${department.name} changed or gained people while deleting; read it again.`,
            ),
        },
      ),
      releaseWrite(this.tableName, departmentNameClaim(department)),
      ...(department.parentId ? [childCount(this.tableName, department.parentId, -1)] : []),
      auditWrite(this.tableName, audit),
    ]);
  }

  /**
   * Rewrites a department's own fields and index keys if it is still at `expectedVersion`. An update, not a
   * put: the counters move without version bumps (people joining) and must not be overwritten.
   */
  private rewrite(department: Department, expectedVersion: number): GuardedWrite {
    const manager = department.managerId
      ? keys.departmentsOfManager(department.managerId, department.id)
      : undefined;
    return updateVersioned(
      this.tableName,
      keys.department(department.id),
      {
        UpdateExpression: `SET #name = :name, parentId = :parentId, managerId = :managerId, ancestorIds = :ancestorIds, updatedAt = :updatedAt, version = :version, gsi1sk = :gsi1sk${
          manager ? ', gsi2pk = :gsi2pk, gsi2sk = :gsi2sk' : ' REMOVE gsi2pk, gsi2sk'
        }`,
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':name': department.name,
          ':parentId': department.parentId,
          ':managerId': department.managerId,
          ':ancestorIds': department.ancestorIds,
          ':updatedAt': department.updatedAt,
          ':version': department.version,
          ':gsi1sk': keys.departmentsByPath(departmentPath(department.ancestorIds, department.id)).gsi1sk,
          ...(manager ? { ':gsi2pk': manager.gsi2pk, ':gsi2sk': manager.gsi2sk } : {}),
        },
      },
      { kind: 'department', id: department.id, expected: expectedVersion },
    );
  }

  /** A parent gaining a child must still be the version whose ancestors we checked (no cycle by race). */
  private countChild(parent: Department, delta: 1 | -1, checkVersion: boolean): GuardedWrite {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: keys.department(parent.id),
          UpdateExpression: 'ADD childCount :delta',
          ConditionExpression: checkVersion ? 'version = :version' : 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':delta': delta,
            ...(checkVersion ? { ':version': parent.version } : {}),
          },
        },
      },
      onConditionFailed: () =>
        new ConflictError(`The department ${parent.name} changed meanwhile; try again.`, [
          { path: 'body.parentId', message: 'changed meanwhile' },
        ]),
    };
  }
}

/** Moves a department's count of sub-departments, if it exists. */
export function childCount(tableName: string, parentId: string, delta: number): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: keys.department(parentId),
        UpdateExpression: 'ADD childCount :delta',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':delta': delta },
      },
    },
  };
}

/** The claim that keeps a department's name unique among its siblings, ignoring case. */
export function departmentNameClaim(department: Department): Claim {
  const key = siblingNameKey(department.parentId, department.name);
  return { kind: 'departmentName', key, value: department.name, ownerId: department.id };
}

function notEmpty(department: Department): ConflictError {
  return new ConflictError(
    `The department ${department.name} still has ${department.memberCount} people and ${department.childCount} sub-departments; move them first.`,
  );
}

/** A department as the table holds it, with its index keys (its path, its manager). */
export function departmentItem(department: Department): Record<string, unknown> {
  return {
    ...keys.department(department.id),
    ...keys.departmentsByPath(departmentPath(department.ancestorIds, department.id)),
    ...(department.managerId ? keys.departmentsOfManager(department.managerId, department.id) : {}),
    entity: 'department',
    ...department,
  };
}

function toDepartment(item: Record<string, unknown>): Department {
  return Department.parse(withoutStorageAttributes(item));
}

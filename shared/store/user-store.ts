/**
 * People in the single table. Uniqueness of email and external id is a claim item per value, written in the
 * same transaction as the profile (attribute_not_exists), so two concurrent creates cannot both win.
 * A department's `memberCount` moves in the same transaction, which also proves the department exists.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { BusinessRuleError, StaleVersionError, UniquenessError } from '../domain/errors.ts';
import { normaliseEmail, User } from '../domain/user.ts';
import type { Page, PageRequest, UserFilter, UserRepository } from '../use-cases/ports.ts';
import { activeAdminCountChange, adminSeatCheck } from './admin-seats.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimOwner, moveClaim } from './claims.ts';
import { decodeCursor } from './cursor.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { batchGetAll, queryAll, queryPage } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';
import { deleteVersioned, putNew, putVersioned } from './versioned.ts';

export class DynamoUserRepository implements UserRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<User | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(id) }),
    );
    return Item ? toUser(Item) : undefined;
  }

  getMany(ids: readonly string[]): Promise<User[]> {
    return batchGetAll(
      this.client,
      this.tableName,
      ids.map((id) => keys.user(id)),
      { parse: toUser },
    );
  }

  /** Everyone, for rule evaluation over the whole organisation (one query of the email index). */
  async all(): Promise<User[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.usersByEmail('').gsi1pk },
    });
    return items.map(toUser);
  }

  idByEmail(email: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'email', normaliseEmail(email));
  }

  idByExternalId(externalId: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'externalId', externalId);
  }

  idByScimUserName(userName: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'scimUserName', userName.toLowerCase());
  }

  async idByLogin(sub: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.unique('login', sub) }),
    );
    return typeof Item?.ownerId === 'string' ? Item.ownerId : undefined;
  }

  async list(filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = {};
    let query: {
      IndexName: string;
      KeyConditionExpression: string;
      cursorKeys: string[];
      partition: Record<string, string>;
    };
    if (filter.departmentId !== undefined) {
      const pk = keys.usersOfDepartment(filter.departmentId, '', '').gsi2pk;
      values[':pk'] = pk;
      let keyCondition = 'gsi2pk = :pk';
      if (filter.status) {
        values[':status'] = `${filter.status}#`;
        keyCondition += ' AND begins_with(gsi2sk, :status)';
      }
      if (filter.email !== undefined) {
        values[':email'] = normaliseEmail(filter.email);
        conditions.push('email = :email');
      }
      query = {
        IndexName: 'gsi2',
        KeyConditionExpression: keyCondition,
        cursorKeys: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
        partition: { gsi2pk: pk },
      };
    } else {
      const pk = keys.usersByEmail('').gsi1pk;
      values[':pk'] = pk;
      if (filter.email !== undefined) values[':email'] = normaliseEmail(filter.email);
      if (filter.status) {
        values[':status'] = filter.status;
        conditions.push('#status = :status');
      }
      query = {
        IndexName: 'gsi1',
        KeyConditionExpression:
          filter.email !== undefined ? 'gsi1pk = :pk AND gsi1sk = :email' : 'gsi1pk = :pk',
        cursorKeys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
        partition: { gsi1pk: pk },
      };
    }
    const result = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: query.IndexName,
        KeyConditionExpression: query.KeyConditionExpression,
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ...(filter.status && filter.departmentId === undefined
          ? { ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: values,
        ExclusiveStartKey: decodeCursor(page.cursor, query.cursorKeys, query.partition),
      },
      page.limit,
    );
    return { items: result.items.map(toUser), nextCursor: result.nextCursor };
  }

  async create(user: User, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      ...profileWrites(this.tableName, null, user),
      ...(user.departmentId ? [memberCount(this.tableName, user.departmentId, 1)] : []),
      ...(user.managerId ? [userExists(this.tableName, user.managerId, 'to be the manager')] : []),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(before: User, after: User, audit: AuditRecord): Promise<void> {
    if (after.managerId !== null && after.managerId === after.id) {
      throw new BusinessRuleError('A person cannot be their own manager.', [
        { path: 'body.managerId', message: 'is this user' },
      ]);
    }
    const writes: GuardedWrite[] = [...profileWrites(this.tableName, before, after)];
    if (after.departmentId !== before.departmentId) {
      if (before.departmentId) writes.push(memberCount(this.tableName, before.departmentId, -1));
      if (after.departmentId) writes.push(memberCount(this.tableName, after.departmentId, 1));
    }
    if (after.managerId && after.managerId !== before.managerId)
      writes.push(userExists(this.tableName, after.managerId, 'to be the manager'));
    if (after.status !== before.status) writes.push(...(await this.adminSeatAccounting(before, after)));
    writes.push(auditWrite(this.tableName, audit));
    await transactWrite(this.client, writes);
  }

  /**
   * A status change of an admin seat holder moves the count of active admins with it (suspending the last
   * one fails on the count's condition); for anyone else, a check that they still hold no seat, so a seat
   * granted meanwhile is not left uncounted.
   */
  private async adminSeatAccounting(before: User, after: User): Promise<GuardedWrite[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.adminSeat(before.id), ConsistentRead: true }),
    );
    const held = Item !== undefined;
    const changed = () => new StaleVersionError('user', before.id, before.version, undefined);
    const check = adminSeatCheck(this.tableName, before.id, held, changed);
    if (!held) return [check];
    const delta = after.status === 'active' ? 1 : before.status === 'active' ? -1 : 0;
    return delta === 0 ? [check] : [check, activeAdminCountChange(this.tableName, before.id, delta)];
  }
}

/**
 * A department's member count moved by `delta` (a bulk writer sums its people's moves into one), in the
 * transaction that moves them; the update proves the department exists.
 */
export function memberCount(tableName: string, departmentId: string, delta: number): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: keys.department(departmentId),
        UpdateExpression: 'ADD memberCount :delta',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':delta': delta },
      },
    },
    onConditionFailed: () =>
      new BusinessRuleError(`No department with id ${departmentId}.`, [
        { path: 'body.departmentId', message: 'no such department' },
      ]),
  };
}

/**
 * The writes that take a profile from `before` to `after` with its claims (email, external id, login, SCIM
 * userName): a new profile (`before` null) where none is, a replacement at `before`'s version, or a removal
 * (`after` null) at that version. Department counts, manager checks and the audit record are the caller's.
 */
export function profileWrites(tableName: string, before: User | null, after: User | null): GuardedWrite[] {
  const entity = { kind: 'user', id: (after ?? before)?.id ?? '' };
  const moves = [scimUserNameClaim, emailClaim, externalIdClaim, loginClaim].flatMap((claimOf) =>
    moveClaim(tableName, before ? claimOf(before) : undefined, after ? claimOf(after) : undefined),
  );
  moves.push(...userNameNotAnotherEmail(tableName, before, after));
  if (!before && after) return [putNew(tableName, toItem(after), entity), ...moves];
  if (before && after)
    return [putVersioned(tableName, toItem(after), { ...entity, expected: before.version }), ...moves];
  if (before)
    return [
      deleteVersioned(tableName, keys.user(before.id), { ...entity, expected: before.version }),
      ...moves,
    ];
  return [];
}

/** A condition that the user named in `body.managerId` exists, checked inside the writing transaction. */
export function userExists(tableName: string, userId: string, role: string): GuardedWrite {
  return {
    item: {
      ConditionCheck: {
        TableName: tableName,
        Key: keys.user(userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    onConditionFailed: () =>
      new BusinessRuleError(`No user with id ${userId} ${role}.`, [
        { path: 'body.managerId', message: 'no such user' },
      ]),
  };
}

function emailClaim(user: User): Claim {
  return { kind: 'email', key: user.email, value: user.email, ownerId: user.id };
}

function externalIdClaim(user: User): Claim | undefined {
  return user.externalId
    ? { kind: 'externalId', key: user.externalId, value: user.externalId, ownerId: user.id }
    : undefined;
}

/** An identity provider's userName, without regard to case. */
function scimUserNameClaim(user: User): Claim | undefined {
  return user.scim
    ? {
        kind: 'scimUserName',
        key: user.scim.userName.toLowerCase(),
        value: user.scim.userName,
        ownerId: user.id,
      }
    : undefined;
}

/**
 * A person not provisioned through SCIM shows their email as their SCIM userName, so a new userName must not
 * be another person's email: checked against the email claim in the same transaction.
 */
function userNameNotAnotherEmail(tableName: string, before: User | null, after: User | null): GuardedWrite[] {
  const key = after?.scim?.userName.toLowerCase();
  if (!after || key === undefined || key === before?.scim?.userName.toLowerCase()) return [];
  // The person's own email claim is written in this transaction already (one item, one action).
  if (key === after.email || key === before?.email) return [];
  return [
    {
      item: {
        ConditionCheck: {
          TableName: tableName,
          Key: keys.unique('email', key),
          ConditionExpression: 'attribute_not_exists(pk) OR ownerId = :owner',
          ExpressionAttributeValues: { ':owner': after.id },
        },
      },
      onConditionFailed: () =>
        new UniquenessError(`The userName ${after.scim?.userName} is the email of another person.`, [
          { path: 'userName', message: 'already in use' },
        ]),
    },
  ];
}

/** The login linked to the profile: one login is one profile. */
function loginClaim(user: User): Claim | undefined {
  return user.linkedLogin
    ? { kind: 'login', key: user.linkedLogin.sub, value: user.linkedLogin.sub, ownerId: user.id }
    : undefined;
}

function toItem(user: User): Record<string, unknown> {
  return {
    ...keys.user(user.id),
    ...keys.usersByEmail(user.email),
    ...(user.departmentId ? keys.usersOfDepartment(user.departmentId, user.status, user.email) : {}),
    entity: 'user',
    ...user,
  };
}

function toUser(item: Record<string, unknown>): User {
  return User.parse(withoutStorageAttributes(item));
}

/**
 * Versioned writes: every change to a versioned entity (user, department, course, cohort, job, ...) is
 * conditioned on the version the writer read (`version = :expected`), and a failed condition is always a
 * StaleVersionError (412). Creating is the same write with no version yet (`attribute_not_exists(pk)`), and
 * an id that exists already is a ConflictError (409).
 *
 * @example
 * await transactWrite(client, [
 *   putVersioned(table, toItem(after), { kind: 'user', id: after.id, expected: before.version }),
 *   auditWrite(table, audit),
 * ]);
 */
import { ConflictError, StaleVersionError } from '../domain/errors.ts';
import type { GuardedWrite } from './transact.ts';

type Key = Record<string, string>;

export interface Versioned {
  /** What the entity is called in messages: `user`, `course`, `identity provider`. */
  kind: string;
  id: string;
  /** The version the writer read. */
  expected: number;
}

/** An Update's own expression; the version condition is added to it. */
export interface VersionedUpdate {
  UpdateExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

const IF_VERSION = 'version = :expected';

function stale(entity: Versioned): () => Error {
  return () => new StaleVersionError(entity.kind, entity.id, entity.expected, undefined);
}

/** Creates the entity; another one with its id is a ConflictError. */
export function putNew(
  tableName: string,
  item: Record<string, unknown>,
  entity: Omit<Versioned, 'expected'>,
): GuardedWrite {
  return {
    item: { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    onConditionFailed: () => new ConflictError(`A ${entity.kind} with id ${entity.id} already exists.`),
  };
}

/** Replaces the whole item while it is at the expected version (`expected: null`: creates it). */
export function putVersioned(
  tableName: string,
  item: Record<string, unknown>,
  entity: Omit<Versioned, 'expected'> & { expected: number | null },
): GuardedWrite {
  const { expected } = entity;
  if (expected === null) return putNew(tableName, item, entity);
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: item,
        ConditionExpression: IF_VERSION,
        ExpressionAttributeValues: { ':expected': expected },
      },
    },
    onConditionFailed: stale({ ...entity, expected }),
  };
}

/**
 * Changes some attributes while the item is at the expected version: for items whose other attributes
 * (counters) move without a version bump and must not be overwritten.
 */
export function updateVersioned(
  tableName: string,
  key: Key,
  update: VersionedUpdate,
  entity: Versioned,
): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: key,
        ...update,
        ConditionExpression: IF_VERSION,
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expected': entity.expected },
      },
    },
    onConditionFailed: stale(entity),
  };
}

/**
 * Deletes the item while it is at the expected version. `also` adds a condition (a department must be
 * empty); its refusal then stands for either failing, since DynamoDB does not say which part failed.
 */
export function deleteVersioned(
  tableName: string,
  key: Key,
  entity: Versioned,
  also?: { condition: string; values: Record<string, unknown>; refusal: () => Error },
): GuardedWrite {
  return {
    item: {
      Delete: {
        TableName: tableName,
        Key: key,
        ConditionExpression: also ? `${IF_VERSION} AND (${also.condition})` : IF_VERSION,
        ExpressionAttributeValues: { ...also?.values, ':expected': entity.expected },
      },
    },
    onConditionFailed: also?.refusal ?? stale(entity),
  };
}

/**
 * Uniqueness claims: one item per claimed value (`keys.unique(kind, key)`) that names its owner, written in
 * the owner's own transaction, so two concurrent writers can never both hold a value. Claiming is a put on
 * `attribute_not_exists(pk)`, releasing a delete on `ownerId = :owner`; either failing is a ConflictError
 * (409) naming the request field, the same for every kind.
 *
 * A new kind: add it to `UniqueKind` (keys.ts) and give it its row in `KINDS` below.
 *
 * @example
 * await transactWrite(client, [
 *   putNew(table, item, { kind: 'user', id: user.id }),
 *   claimWrite(table, { kind: 'email', key: user.email, value: user.email, ownerId: user.id }),
 * ]);
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, UniquenessError } from '../domain/errors.ts';
import { keys, type UniqueKind } from './keys.ts';
import type { GuardedWrite } from './transact.ts';

/** The request field a conflict names, and the words for the value (`The <label> <value> is already in use<within>.`). */
const KINDS: Record<UniqueKind, { field: string; label: string; within?: string }> = {
  email: { field: 'body.email', label: 'email' },
  externalId: { field: 'body.externalId', label: 'external id' },
  login: { field: 'linkedLogin', label: 'login', within: 'by another LMS profile' },
  scimUserName: { field: 'userName', label: 'userName' },
  departmentName: { field: 'body.name', label: 'department name', within: 'among its sibling departments' },
  categoryName: { field: 'body.name', label: 'category name', within: 'among its sibling categories' },
  cohortName: { field: 'body.name', label: 'cohort name' },
  cohortExternalId: { field: 'body.externalId', label: 'cohort external id' },
  courseCode: { field: 'body.code', label: 'course code' },
  idpName: { field: 'body.name', label: 'identity provider name' },
  idpDomain: { field: 'body.domains', label: 'email domain', within: 'by another identity provider' },
  apiClientName: { field: 'body.name', label: 'API client name' },
};

export interface Claim {
  kind: UniqueKind;
  /** The value as keyed: normalised by the store (lowercased, qualified by a parent). */
  key: string;
  /** The value as people wrote it, for messages. */
  value: string;
  /** The id of the entity that holds the value. */
  ownerId: string;
}

/** Takes the value for its owner; a value someone holds already is a ConflictError naming the field. */
export function claimWrite(tableName: string, claim: Claim): GuardedWrite {
  const { field, label, within } = KINDS[claim.kind];
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.unique(claim.kind, claim.key), entity: 'claim', ownerId: claim.ownerId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    onConditionFailed: () =>
      new UniquenessError(`The ${label} ${claim.value} is already in use${within ? ` ${within}` : ''}.`, [
        { path: field, message: 'already in use' },
      ]),
  };
}

/** Gives the value up, only while its owner still holds it; otherwise a ConflictError naming the field. */
export function releaseWrite(tableName: string, claim: Claim): GuardedWrite {
  const { field, label } = KINDS[claim.kind];
  return {
    item: {
      Delete: {
        TableName: tableName,
        Key: keys.unique(claim.kind, claim.key),
        ConditionExpression: 'ownerId = :owner',
        ExpressionAttributeValues: { ':owner': claim.ownerId },
      },
    },
    onConditionFailed: () =>
      new ConflictError(
        `The ${label} ${claim.value} is no longer held by ${claim.ownerId}; read it again and retry.`,
        [{ path: field, message: 'changed meanwhile' }],
      ),
  };
}

/**
 * The writes that move an owner's claim from `before` to `after` (either may be absent): nothing when the
 * key stays the same (one transaction cannot touch an item twice), else release the old and claim the new.
 */
export function moveClaim(
  tableName: string,
  before: Claim | undefined,
  after: Claim | undefined,
): GuardedWrite[] {
  if (before && after && before.kind === after.kind && before.key === after.key) return [];
  return [
    ...(before ? [releaseWrite(tableName, before)] : []),
    ...(after ? [claimWrite(tableName, after)] : []),
  ];
}

/** The key of a name unique among its siblings (departments, categories), without regard to case. */
export function siblingNameKey(parentId: string | null, name: string): string {
  return `${parentId ?? 'root'}#${name.toLowerCase()}`;
}

/** Who holds a value, if anyone. */
export async function claimOwner(
  client: DynamoDBDocumentClient,
  tableName: string,
  kind: UniqueKind,
  key: string,
): Promise<string | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.unique(kind, key) }));
  return typeof Item?.ownerId === 'string' ? Item.ownerId : undefined;
}

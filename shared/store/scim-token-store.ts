/**
 * SCIM tokens in the single table: one item per token, keyed by its id (derived from the secret's hash), with
 * the full hash beside the record. The admin routes read it by id; the request authorizer reads it by the
 * presented secret, which gives the same key, and writes `lastUsedAt`.
 */
import { timingSafeEqual } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { ScimToken, type ScimTokenStanding, scimTokenIdOf } from '../domain/scim-token.ts';
import type { ScimTokenRepository } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { transactWrite } from './transact.ts';
import { putNew } from './versioned.ts';

/** A token's `lastUsedAt` moves at most this often: one write a minute per token, whatever the traffic. */
export const LAST_USED_RESOLUTION_MS = 60_000;

class AlreadyRevoked extends Error {}

export class DynamoScimTokenRepository implements ScimTokenRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(token: ScimToken, secretHash: string, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, item(token, secretHash), { kind: 'SCIM token', id: token.id }),
      auditWrite(this.tableName, audit),
    ]);
  }

  async get(id: string): Promise<ScimToken | undefined> {
    const stored = await this.read(id);
    return stored ? fromItem(stored) : undefined;
  }

  async list(): Promise<ScimToken[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.scimTokensByCreation('', '').gsi1pk },
      ScanIndexForward: false,
    });
    return items.map(fromItem);
  }

  async revoke(id: string, at: string, audit: AuditRecord): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          item: {
            Update: {
              TableName: this.tableName,
              Key: keys.scimToken(id),
              UpdateExpression: 'SET revokedAt = :at',
              // Once: a second revocation (a retry, or two admins at once) writes nothing and no audit.
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          onConditionFailed: () => new AlreadyRevoked(),
        },
        auditWrite(this.tableName, audit),
      ]);
    } catch (error) {
      if (!(error instanceof AlreadyRevoked)) throw error;
    }
  }

  /**
   * The token whose secret hashes to `secretHash`, as the authorizer needs it; undefined when there is none.
   * The id is the hash's first half, so the full hash is compared too (in constant time).
   */
  async standingOf(secretHash: string): Promise<ScimTokenStanding | undefined> {
    const stored = await this.read(scimTokenIdOf(secretHash));
    if (!stored || !sameHash(stored.secretHash, secretHash)) return undefined;
    const { id, expiresAt, revokedAt, lastUsedAt } = fromItem(stored);
    return { id, expiresAt, revokedAt, lastUsedAt };
  }

  /**
   * Records that the token authenticated a request at `at`, unless it was recorded less than
   * {@link LAST_USED_RESOLUTION_MS} before (a conditional write, so concurrent requests write once).
   * Returns whether it wrote.
   */
  async recordUse(id: string, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.scimToken(id),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :since)',
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':since': new Date(at.getTime() - LAST_USED_RESOLUTION_MS).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async read(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.scimToken(id), ConsistentRead: true }),
    );
    return Item;
  }
}

function sameHash(stored: unknown, presented: string): boolean {
  if (typeof stored !== 'string' || stored.length !== presented.length) return false;
  return timingSafeEqual(Buffer.from(stored, 'utf8'), Buffer.from(presented, 'utf8'));
}

/** Unset dates are left out of the item (a condition can then test `attribute_not_exists`). */
function item(token: ScimToken, secretHash: string): Record<string, unknown> {
  const { revokedAt, lastUsedAt, ...rest } = token;
  return {
    ...keys.scimToken(token.id),
    ...keys.scimTokensByCreation(token.createdAt, token.id),
    entity: 'scim-token',
    ...rest,
    ...(revokedAt ? { revokedAt } : {}),
    ...(lastUsedAt ? { lastUsedAt } : {}),
    secretHash,
  };
}

function fromItem(raw: Record<string, unknown>): ScimToken {
  const { entity: _entity, secretHash: _hash, ...token } = withoutStorageAttributes(raw);
  return ScimToken.parse({ revokedAt: null, lastUsedAt: null, ...token });
}

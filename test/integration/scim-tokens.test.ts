/**
 * SCIM tokens against DynamoDB Local: what is stored (the hash, never the secret), the authorizer's lookup by
 * secret, revocation once, and `lastUsedAt` at most once a minute. The clock is fixed where dates matter.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { DynamoAuditTrail } from '../../shared/store/audit-store.ts';
import { DynamoScimTokenRepository } from '../../shared/store/scim-token-store.ts';
import {
  createScimToken,
  getScimToken,
  listScimTokens,
  revokeScimToken,
} from '../../shared/use-cases/scim-tokens.ts';
import { actor } from '../support/actors.ts';

const tableName = requireSetting('tableName');
const tokens = new DynamoScimTokenRepository(dynamoDb(), tableName);
const audit = new DynamoAuditTrail(dynamoDb(), tableName);
const at = (iso: string) => ({ tokens, runtime: { now: () => new Date(iso), newId: () => randomUUID() } });
const admin = actor(['admin'], null, 'ada.admin@example.com');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function auditActions(id: string): Promise<string[]> {
  const page = await audit.list(`scim-token:${id}`, { limit: 10 });
  return page.items.map((record) => record.action);
}

describe('SCIM tokens, against DynamoDB Local', () => {
  it('stores the record with the hash of the secret, never the secret, and audits the creation', async () => {
    // Act
    const { token, secret } = await createScimToken(at('2026-03-01T09:00:00.000Z'), admin, {
      description: 'Okta production',
      expiresInDays: 30,
    });
    const { Item } = await dynamoDb().send(
      new GetCommand({ TableName: tableName, Key: { pk: `SCIMTOKEN#${token.id}`, sk: 'SCIMTOKEN' } }),
    );

    // Assess
    expect(secret).toMatch(/^lms_scim_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({
      id: sha256(secret).slice(0, 32),
      description: 'Okta production',
      createdAt: '2026-03-01T09:00:00.000Z',
      createdBy: 'ada.admin@example.com',
      expiresAt: '2026-03-31T09:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(Item?.secretHash).toBe(sha256(secret));
    expect(JSON.stringify(Item)).not.toContain(secret.slice('lms_scim_'.length));
    expect(await getScimToken(at('2026-03-01T09:00:00.000Z'), token.id)).toEqual(token);
    expect(await auditActions(token.id)).toEqual(['scim-token.created']);
  });

  it('lists tokens newest first, without hashes', async () => {
    // Prepare
    const older = await createScimToken(at('2026-04-01T09:00:00.000Z'), admin, {
      description: 'Entra ID (old)',
      expiresInDays: 365,
    });
    const newer = await createScimToken(at('2026-04-02T09:00:00.000Z'), admin, {
      description: 'Entra ID',
      expiresInDays: 365,
    });

    // Act
    const listed = await listScimTokens(at('2026-04-02T09:00:00.000Z'));

    // Assess
    const ids = listed.map((token) => token.id);
    expect(ids.indexOf(newer.token.id)).toBeLessThan(ids.indexOf(older.token.id));
    expect(JSON.stringify(listed)).not.toContain(sha256(newer.secret));
    expect(listed.find((token) => token.id === newer.token.id)).toEqual(newer.token);
  });

  it('finds a token by the hash of its secret, and nothing for another secret that shares its id', async () => {
    // Prepare
    const { token, secret } = await createScimToken(at('2026-05-01T09:00:00.000Z'), admin, {
      description: 'Lookup',
      expiresInDays: 10,
    });
    const hash = sha256(secret);
    const sameIdOtherHash = `${hash.slice(0, 32)}${'0'.repeat(32)}`;

    // Act
    const found = await tokens.standingOf(hash);

    // Assess
    expect(found).toEqual({
      id: token.id,
      expiresAt: '2026-05-11T09:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(await tokens.standingOf(sameIdOtherHash)).toBeUndefined();
    expect(await tokens.standingOf(sha256('lms_scim_unknown'))).toBeUndefined();
  });

  it('revokes once: concurrent and repeated revocations write one revocation and one audit record', async () => {
    // Prepare
    const { token, secret } = await createScimToken(at('2026-06-01T09:00:00.000Z'), admin, {
      description: 'Revoke me',
      expiresInDays: 10,
    });

    // Act
    await Promise.all(
      Array.from({ length: 5 }, () => revokeScimToken(at('2026-06-02T10:00:00.000Z'), admin, token.id)),
    );
    await revokeScimToken(at('2026-06-03T10:00:00.000Z'), admin, token.id);

    // Assess
    expect(await getScimToken(at('2026-06-03T10:00:00.000Z'), token.id)).toMatchObject({
      revokedAt: '2026-06-02T10:00:00.000Z',
    });
    expect(await tokens.standingOf(sha256(secret))).toMatchObject({ revokedAt: '2026-06-02T10:00:00.000Z' });
    expect((await auditActions(token.id)).sort()).toEqual(['scim-token.created', 'scim-token.revoked']);
    await expect(
      revokeScimToken(at('2026-06-03T10:00:00.000Z'), admin, '0123456789abcdef0123456789abcdef'),
    ).rejects.toThrow(NotFoundError);
  });

  it('records its last use at most once a minute', async () => {
    // Prepare
    const { token } = await createScimToken(at('2026-07-01T09:00:00.000Z'), admin, {
      description: 'Busy connector',
      expiresInDays: 10,
    });

    // Act
    const first = await tokens.recordUse(token.id, new Date('2026-07-01T10:00:00.000Z'));
    const concurrent = await Promise.all([
      tokens.recordUse(token.id, new Date('2026-07-01T10:00:30.000Z')),
      tokens.recordUse(token.id, new Date('2026-07-01T10:00:59.999Z')),
    ]);
    const afterAMinute = await tokens.recordUse(token.id, new Date('2026-07-01T10:01:00.000Z'));

    // Assess
    expect(first).toBe(true);
    expect(concurrent).toEqual([false, false]);
    expect(afterAMinute).toBe(true);
    expect((await getScimToken(at('2026-07-01T10:01:00.000Z'), token.id)).lastUsedAt).toBe(
      '2026-07-01T10:01:00.000Z',
    );
    // Use is not an admin change: no audit record for it
    expect(await auditActions(token.id)).toEqual(['scim-token.created']);
    expect(await tokens.recordUse('0123456789abcdef0123456789abcdef', new Date())).toBe(false);
  });
});

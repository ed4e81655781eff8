/**
 * SCIM tokens end to end on the local stack: an admin makes one for an identity provider's SCIM connector,
 * sees its secret once, and the token opens /scim/v2 and nothing else until it is revoked or expires; past
 * the gateway's SCIM rate limit, its caller gets 429 with Retry-After. Written to hold once the SCIM
 * endpoints exist: the SCIM path used here is one no SCIM server has (`/scim/v2/NoSuchResource`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { DynamoScimTokenRepository } from '../../shared/store/scim-token-store.ts';
import { createScimToken } from '../../shared/use-cases/scim-tokens.ts';
import { actor } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';

const NO_SUCH_SCIM_RESOURCE = '/scim/v2/NoSuchResource';
const DAY_MS = 86_400_000;
let admin: string;

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

/** A token made through the API by the seeded admin, as an admin would. */
async function newToken(description: string): Promise<{ id: string; secret: string }> {
  const created = await api('POST', '/scim-tokens', { token: admin, body: { description } });
  if (created.status !== 201) throw new Error(`cannot create a SCIM token: ${created.text}`);
  return { id: created.json.token.id, secret: created.json.secret };
}

describe('a SCIM token made by an admin', () => {
  it('is answered with its secret once, and listed and read without it or its hash', async () => {
    // Act
    const created = await api('POST', '/scim-tokens', {
      token: admin,
      body: { description: `Okta production ${randomUUID().slice(0, 8)}` },
    });
    const { token, secret } = created.json;
    const listed = await api('GET', '/scim-tokens', { token: admin });
    const one = await api('GET', `/scim-tokens/${token.id}`, { token: admin });
    const trail = await api('GET', `/audit?target=scim-token:${token.id}`, { token: admin });

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(secret).toMatch(/^lms_scim_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ createdBy: 'admin@example.com', revokedAt: null, lastUsedAt: null });
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(365 * DAY_MS);
    const hash = createHash('sha256').update(secret).digest('hex');
    expect(listed.json.items).toContainEqual(token);
    expect(one.json).toEqual(token);
    for (const response of [listed, one, trail]) {
      expect(response.text).not.toContain(secret);
      expect(response.text).not.toContain(hash);
    }
    expect(trail.json.items).toMatchObject([
      { action: 'scim-token.created', actor: { email: 'admin@example.com' }, after: token },
    ]);
  });

  it('is for admins only, and refuses bad input naming the field', async () => {
    // Prepare
    const body = { description: 'Entra ID' };
    const machine = await machineToken(`SCIM tokens ${randomUUID().slice(0, 8)}`, [
      'lms/users.write',
      'lms/scim',
    ]);

    // Act
    const manager = await api('POST', '/scim-tokens', { token: await tokenFor('manager@example.com'), body });
    const learner = await api('GET', '/scim-tokens', { token: await tokenFor('learner@example.com') });
    const client = await api('POST', '/scim-tokens', { token: machine, body });
    const anonymous = await api('GET', '/scim-tokens');
    const tooLong = await api('POST', '/scim-tokens', {
      token: admin,
      body: { description: 'Okta', expiresInDays: 731 },
    });
    const noDescription = await api('POST', '/scim-tokens', { token: admin, body: { expiresInDays: 30 } });
    const badId = await api('GET', '/scim-tokens/not-an-id', { token: admin });

    // Assess
    expect([manager.status, learner.status, client.status, anonymous.status]).toEqual([403, 403, 403, 401]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors).toEqual([{ path: 'body.expiresInDays', message: expect.any(String) }]);
    expect(noDescription.json.errors).toEqual([{ path: 'body.description', message: expect.any(String) }]);
    expect(badId.json.errors).toEqual([{ path: 'params.id', message: expect.any(String) }]);
  });

  it('opens /scim/v2 only: refused (403) elsewhere by its policy, while on /scim/v2 the path decides (404: no such resource)', async () => {
    // Prepare
    const { id, secret } = await newToken('Okta staging');

    // Act
    const people = await api('GET', '/users', { token: secret });
    const tokens = await api('POST', '/scim-tokens', { token: secret, body: { description: 'More' } });
    const scim = await api('GET', NO_SUCH_SCIM_RESOURCE, { token: secret });
    const read = await api('GET', `/scim-tokens/${id}`, { token: admin });

    // Assess
    for (const refused of [people, tokens]) {
      expect(refused.status).toBe(403);
      expect(refused.json.detail).toBe('User is not authorized to access this resource');
    }
    expect(scim.status).toBe(404);
    expect(read.json.lastUsedAt).not.toBeNull();
  });

  it('is refused (401) once revoked; revoking again changes nothing; both are in the audit trail once', async () => {
    // Prepare
    const { id, secret } = await newToken('Entra ID (to revoke)');
    const before = await api('GET', '/users', { token: secret });

    // Act
    const revoked = await api('DELETE', `/scim-tokens/${id}`, { token: admin });
    const after = await api('GET', '/users', { token: secret });
    const again = await api('DELETE', `/scim-tokens/${id}`, { token: admin });
    const read = await api('GET', `/scim-tokens/${id}`, { token: admin });
    const trail = await api('GET', `/audit?target=scim-token:${id}`, { token: admin });

    // Assess
    expect(before.status).toBe(403);
    expect(revoked.status).toBe(204);
    expect(after.status).toBe(401);
    expect(again.status).toBe(204);
    expect(read.json.revokedAt).not.toBeNull();
    expect(trail.json.items.map((record: { action: string }) => record.action)).toEqual([
      'scim-token.revoked',
      'scim-token.created',
    ]);
  });

  it('is refused (401) once expired', async () => {
    // Prepare: a token made three days ago for two days (no request can make one that short)
    const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS);
    const { secret } = await createScimToken(
      {
        tokens: new DynamoScimTokenRepository(dynamoDb(), requireSetting('tableName')),
        runtime: { now: () => threeDaysAgo, newId: () => randomUUID() },
      },
      actor(['admin']),
      { description: 'Expired', expiresInDays: 2 },
    );

    // Act
    const response = await api('GET', '/users', { token: secret });

    // Assess
    expect(response.status).toBe(401);
  });
});

describe('a machine client holding lms/scim', () => {
  it('is let through to the SCIM path, and refused by the route gate everywhere else', async () => {
    // Prepare
    const token = await machineToken(`Okta OAuth ${randomUUID().slice(0, 8)}`, ['lms/scim']);

    // Act
    const people = await api('GET', '/users', { token });
    const scim = await api('GET', NO_SUCH_SCIM_RESOURCE, { token });

    // Assess
    expect(people.status).toBe(403);
    expect(people.json.detail).toBe('This needs one of the scopes lms/users.read; the token has lms/scim.');
    expect(scim.status).toBe(404);
  });
});

describe("the SCIM endpoints' rate limit", () => {
  it('answers 429 with Retry-After and a SCIM error body past the limit, to that caller only and on /scim/v2 only', async () => {
    // Prepare: the tests' lower limit (test/global-setup.ts), in a window with time to reach it
    const limit = inject('scimRateLimit');
    const windowMs = limit.windowSeconds * 1000;
    const leftInWindow = windowMs - (Date.now() % windowMs);
    if (leftInWindow < 15_000) await new Promise((resolve) => setTimeout(resolve, leftInWindow + 50));
    const busy = await newToken('Busy connector');
    const calm = await newToken('Calm connector');

    // Act
    const within: number[] = [];
    for (let sent = 0; sent < limit.requests; sent++)
      within.push((await api('GET', NO_SUCH_SCIM_RESOURCE, { token: busy.secret })).status);
    const over = await api('GET', NO_SUCH_SCIM_RESOURCE, { token: busy.secret });
    const otherCaller = await api('GET', NO_SUCH_SCIM_RESOURCE, { token: calm.secret });
    const otherPath = await api('GET', '/users', { token: busy.secret });

    // Assess
    expect(new Set(within)).toEqual(new Set([404]));
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/json');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(limit.windowSeconds);
    expect(over.json).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
      detail: `Too many requests: at most ${limit.requests} every ${limit.windowSeconds} seconds per caller on /scim/v2. Retry after the seconds in Retry-After.`,
    });
    expect(otherCaller.status).toBe(404);
    expect(otherPath.status).toBe(403);
  });
});

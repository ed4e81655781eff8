/**
 * The Lambda authorizer with real RS256 tokens: signed here with a generated key whose JWKS the Cognito
 * verifier is given, so signature, issuer, expiry and token use are checked for real. SCIM tokens are looked
 * up by their hash in a table stand-in, and their policy is read as API Gateway reads it (the local
 * gateway's policyAllows).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { policyAllows } from '../../infra/local/gateway.ts';
import type { ScimTokenStanding } from '../../shared/domain/scim-token.ts';
import { authenticate, type CallerLookup } from '../../shared/http/authorizer.ts';

const POOL = 'eu-west-1_AbCdEf123';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const WEB_CLIENT = 'web0client0id00000000000000';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/users/42';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kty: 'RSA', kid: 'test-key', alg: 'RS256', use: 'sig' };

function sign(claims: Record<string, unknown>, key = privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'RS256', kid: 'test-key' })}.${encode({ iss: ISSUER, iat: now, exp: now + 600, ...claims })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

const event = (authorization?: string): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers: authorization ? { Authorization: authorization } : {},
  }) as unknown as APIGatewayRequestAuthorizerEvent;

/** SCIM tokens by the SHA-256 of their secret, as the table holds them. */
const SCIM = {
  active: {
    secret: `lms_scim_${'A'.repeat(43)}`,
    hash: '033530323985aa0663371be196f8f3e5112781203dfaba06a5d2bf1cf1ef7bb1',
    standing: {
      id: '033530323985aa0663371be196f8f3e5',
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    },
  },
  revoked: {
    secret: `lms_scim_${'b'.repeat(43)}`,
    hash: '2af2def6e278c9970bab5f017a5927410a2f50b648cda89cc5860ea2ef9f1ab7',
    standing: {
      id: '2af2def6e278c9970bab5f017a592741',
      expiresAt: '2099-01-01T00:00:00.000Z',
      revokedAt: '2026-01-01T00:00:00.000Z',
      lastUsedAt: null,
    },
  },
  expired: {
    secret: `lms_scim_${'C'.repeat(43)}`,
    hash: '3be636369e1c565faaf866698ca94091795472816f66d32d94ef8fdd5579ef14',
    standing: {
      id: '3be636369e1c565faaf866698ca94091',
      expiresAt: '2026-01-01T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    },
  },
} satisfies Record<string, { secret: string; hash: string; standing: ScimTokenStanding }>;

const scimLookups: string[] = [];
const scimUses: { tokenId: string; at: Date }[] = [];

/** The LMS as the authorizer reads it (see each field), recording SCIM token reads and uses. */
const lookup: CallerLookup = {
  // The LMS's record of machine clients: only m1 was created through /api-clients, and an admin has
  // since narrowed it to lms/users.read.
  clientScopes: async (clientId) => (clientId === 'm1' ? ['lms/users.read'] : undefined),
  // Logins linked to profiles: p1 to an active one, p2 to a suspended one; p3 to none.
  personOfLogin: async (sub) =>
    ({ p1: { userId: 'u1', active: true }, p2: { userId: 'u2', active: false } })[sub],
  scimToken: async (hash) => {
    scimLookups.push(hash);
    return Object.values(SCIM).find((token) => token.hash === hash)?.standing;
  },
  scimTokenUsed: async (tokenId, at) => {
    scimUses.push({ tokenId, at });
  },
};

let authorize: (event: APIGatewayRequestAuthorizerEvent) => Promise<unknown>;

beforeAll(async () => {
  vi.stubEnv('USER_POOL_ID', POOL);
  vi.stubEnv('WEB_CLIENT_ID', WEB_CLIENT);
  vi.stubEnv('TABLE_NAME', 'lms-test');
  const { requestAuthorizer } = await import('../../functions/auth/authorize-request.ts');
  const verifier = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: null, clientId: null });
  verifier.cacheJwks({ keys: [jwk] });
  authorize = requestAuthorizer(
    async (token) => (await verifier.verify(token)) as Record<string, unknown>,
    WEB_CLIENT,
    lookup,
  );
});

describe('request authorizer', () => {
  it("lets a person's ID token through with their groups, for the whole stage", async () => {
    // Act
    const result = await authorize(
      event(
        `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1', email: 'ada@example.com', 'cognito:groups': ['manager'] })}`,
      ),
    );

    // Assess
    expect(result).toEqual({
      principalId: 'p1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/*',
          },
        ],
      },
      context: {
        principal: 'person',
        exp: expect.stringMatching(/^\d+$/),
        sub: 'p1',
        email: 'ada@example.com',
        'cognito:groups': 'manager',
        lms_user_id: 'u1',
        lms_access: 'active',
      },
    });
  });

  it('names the profile linked to the login, never one found by the email the token carries', async () => {
    // Act: p3's token carries the email of p1's profile, but p3's login is linked to no profile
    const unlinked = await authorize(
      event(`Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p3', email: 'ada@example.com' })}`),
    );
    const suspended = await authorize(
      event(`Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p2', email: 'bo@example.com' })}`),
    );

    // Assess
    expect((unlinked as { context: Record<string, string> }).context).toEqual({
      principal: 'person',
      exp: expect.stringMatching(/^\d+$/),
      sub: 'p3',
      email: 'ada@example.com',
      'cognito:groups': '',
      lms_access: 'unlinked',
    });
    expect(suspended).toMatchObject({ context: { sub: 'p2', lms_user_id: 'u2', lms_access: 'suspended' } });
  });

  it("lets a machine client's access token through with the scopes its record still holds (Cognito's client-credentials claims)", async () => {
    // Act
    const result = await authorize(
      event(
        `Bearer ${sign({ token_use: 'access', sub: 'm1', client_id: 'm1', scope: 'lms/users.read lms/reports.read', version: 2, jti: 'j' })}`,
      ),
    );

    // Assess
    expect(result).toMatchObject({
      principalId: 'client:m1',
      // lms/reports.read was taken from the client after the token was issued
      context: { principal: 'client', client_id: 'm1', scope: 'lms/users.read' },
    });
  });

  it.each([
    ['no header', undefined],
    ['a header without a token', 'Bearer '],
    [
      'another key',
      `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1' }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)}`,
    ],
    ['another pool', `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1', iss: `${ISSUER}x` })}`],
    ['an expired token', `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1', exp: 1 })}`],
    [
      'a token without exp',
      `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1', exp: undefined })}`,
    ],
    [
      'a token whose exp is not a number',
      `Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1', exp: '9999999999' })}`,
    ],
    ['an ID token of another client', `Bearer ${sign({ token_use: 'id', aud: 'other', sub: 'p1' })}`],
    [
      "a person's access token",
      `Bearer ${sign({ token_use: 'access', client_id: WEB_CLIENT, username: 'p1', scope: 'openid' })}`,
    ],
    ['garbage', 'Bearer not.a.token'],
    [
      'a valid client-credentials token of a client the LMS does not know (revoked, or made outside the API)',
      `Bearer ${sign({ token_use: 'access', sub: 'm2', client_id: 'm2', scope: 'lms/users.read' })}`,
    ],
  ])('answers Unauthorized (401) to %s', async (_name, header) => {
    await expect(authorize(event(header))).rejects.toThrow('Unauthorized');
  });
});

describe('request authorizer, SCIM tokens', () => {
  it('lets a SCIM token through as the machine client scim-token:<id> with lms/scim, until its own expiry, for /scim/v2 only', async () => {
    // Act
    const result = await authorize(event(`Bearer ${SCIM.active.secret}`));

    // Assess
    expect(result).toEqual({
      principalId: 'client:scim-token:033530323985aa0663371be196f8f3e5',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/scim/v2/*',
              'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/POST/scim/v2/*',
              'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/PUT/scim/v2/*',
              'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/PATCH/scim/v2/*',
              'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/DELETE/scim/v2/*',
            ],
          },
        ],
      },
      context: {
        principal: 'client',
        client_id: 'scim-token:033530323985aa0663371be196f8f3e5',
        scope: 'lms/scim',
        // 2099-01-01T00:00:00Z
        exp: '4070908800',
      },
    });
    expect(scimLookups.at(-1)).toBe(SCIM.active.hash);
  });

  it.each([
    ['GET', 'scim/v2/Users', true],
    ['PATCH', 'scim/v2/Groups/7d0c', true],
    ['GET', 'scim/v2/ServiceProviderConfig', true],
    ['GET', 'users', false],
    ['GET', 'users/42', false],
    ['POST', 'scim-tokens', false],
    ['GET', 'scim/v2', false],
    ['GET', 'scim/v2x/Users', false],
    ['GET', 'other/scim/v2/Users', false],
    ['GET', 'users/scim/v2/x', false],
    ['DELETE', 'scim/v2/Users/7d0c', true],
  ])('answers a policy that API Gateway reads as %s /%s: %s', async (method, path, allowed) => {
    // Prepare
    const { policyDocument } = (await authorize(event(`Bearer ${SCIM.active.secret}`))) as {
      policyDocument: Parameters<typeof policyAllows>[0];
    };

    // Assess
    expect(
      policyAllows(
        policyDocument,
        `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/${method}/${path}`,
      ),
    ).toBe(allowed);
  });

  it('opens the whole stage to the other kinds of token (the route gate decides there)', async () => {
    // Prepare
    const person = (await authorize(
      event(`Bearer ${sign({ token_use: 'id', aud: WEB_CLIENT, sub: 'p1' })}`),
    )) as { policyDocument: Parameters<typeof policyAllows>[0] };

    // Assess
    expect(
      policyAllows(person.policyDocument, 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/users'),
    ).toBe(true);
    expect(
      policyAllows(person.policyDocument, 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/test/GET/users'),
    ).toBe(false);
  });

  it.each([
    ['a SCIM token the LMS does not know', `Bearer lms_scim_${'d'.repeat(43)}`],
    ['a revoked SCIM token', `Bearer ${SCIM.revoked.secret}`],
    ['an expired SCIM token', `Bearer ${SCIM.expired.secret}`],
  ])('answers Unauthorized (401) to %s', async (_name, header) => {
    await expect(authorize(event(header))).rejects.toThrow('Unauthorized');
  });

  it.each([
    ['too short', `lms_scim_${'A'.repeat(42)}`],
    ['too long', `lms_scim_${'A'.repeat(44)}`],
    ['with a character base64url has not', `lms_scim_${'A'.repeat(42)}+`],
    ['with padding', `lms_scim_${'A'.repeat(42)}=`],
  ])('refuses a SCIM token %s without reading the table', async (_name, secret) => {
    // Prepare
    const reads = scimLookups.length;

    // Act
    const refused = authorize(event(`Bearer ${secret}`));

    // Assess
    await expect(refused).rejects.toThrow('Unauthorized');
    expect(scimLookups).toHaveLength(reads);
  });

  it('refuses a SCIM token from the second it expires', async () => {
    // Prepare
    const expiry = new Date('2026-01-01T00:00:00.000Z');

    // Act
    const before = authenticate(
      SCIM.expired.secret,
      refuseJwt,
      WEB_CLIENT,
      lookup,
      new Date(expiry.getTime() - 1),
    );
    const at = authenticate(SCIM.expired.secret, refuseJwt, WEB_CLIENT, lookup, expiry);

    // Assess
    await expect(before).resolves.toMatchObject({ client_id: 'scim-token:3be636369e1c565faaf866698ca94091' });
    await expect(at).rejects.toThrow('has expired');
  });
});

describe("a SCIM token's last use", () => {
  const now = new Date('2026-09-01T12:00:00.000Z');
  const withLastUse = (lastUsedAt: string | null, used = lookup.scimTokenUsed): CallerLookup => ({
    ...lookup,
    scimToken: async () => ({ ...SCIM.active.standing, lastUsedAt }),
    scimTokenUsed: used,
  });

  it.each([
    ['never recorded', null, true],
    ['recorded a minute ago', '2026-09-01T11:59:00.000Z', true],
    ['recorded 59 seconds ago', '2026-09-01T11:59:01.000Z', false],
  ])('is written when %s: %s', async (_name, lastUsedAt, written) => {
    // Prepare
    const uses = scimUses.length;

    // Act
    await authenticate(SCIM.active.secret, refuseJwt, WEB_CLIENT, withLastUse(lastUsedAt), now);

    // Assess
    expect(scimUses.slice(uses)).toEqual(
      written ? [{ tokenId: '033530323985aa0663371be196f8f3e5', at: now }] : [],
    );
  });

  it('never refuses the request when it cannot be written', async () => {
    // Act
    const context = authenticate(
      SCIM.active.secret,
      refuseJwt,
      WEB_CLIENT,
      withLastUse(null, async () => {
        throw new Error('ProvisionedThroughputExceededException');
      }),
      now,
    );

    // Assess
    await expect(context).resolves.toMatchObject({
      client_id: 'scim-token:033530323985aa0663371be196f8f3e5',
    });
  });
});

/** A SCIM token never reaches the JWT verifier. */
async function refuseJwt(): Promise<Record<string, unknown>> {
  throw new Error('not a JWT test');
}

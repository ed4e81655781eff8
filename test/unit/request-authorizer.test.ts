/**
 * The Lambda authorizer with real RS256 tokens: signed here with a generated key whose JWKS the Cognito
 * verifier is given, so signature, issuer, expiry and token use are checked for real.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';

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
    {
      // The LMS's record of machine clients: only m1 was created through /api-clients, and an admin has
      // since narrowed it to lms/users.read.
      clientScopes: async (clientId) => (clientId === 'm1' ? ['lms/users.read'] : undefined),
      // Logins linked to profiles: p1 to an active one, p2 to a suspended one; p3 to none.
      personOfLogin: async (sub) =>
        ({ p1: { userId: 'u1', active: true }, p2: { userId: 'u2', active: false } })[sub],
    },
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

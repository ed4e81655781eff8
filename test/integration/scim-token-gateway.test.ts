/**
 * A SCIM token through the authorizer's code, its policy and the route gate, over HTTP: a gateway serving the
 * manifest plus a stand-in SCIM endpoint (test/support/scim-probe.ts), so the token's way into /scim/v2 is
 * proven before the SCIM routes exist, against DynamoDB Local. The token is made by the use case, with a
 * clock of our choosing where expiry matters.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { runAsFunction } from '../../shared/aws-calls.ts';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { AUTHORIZER_HANDLER, allowWithContext, authenticate } from '../../shared/http/authorizer.ts';
import { routes } from '../../shared/routes/index.ts';
import { callerLookup } from '../../shared/store/caller-lookup.ts';
import { DynamoScimTokenRepository } from '../../shared/store/scim-token-store.ts';
import { createScimToken, getScimToken, revokeScimToken } from '../../shared/use-cases/scim-tokens.ts';
import { actor } from '../support/actors.ts';
import { scimProbe } from '../support/scim-probe.ts';

const tokens = new DynamoScimTokenRepository(dynamoDb(), requireSetting('tableName'));
const at = (now: Date) => ({ tokens, runtime: { now: () => now, newId: () => randomUUID() } });
const admin = actor(['admin']);
let gateway: Server;
let url: string;

beforeAll(async () => {
  const lookup = callerLookup(dynamoDb(), requireSetting('tableName'));
  const refuseJwt = async (): Promise<Record<string, unknown>> => {
    throw new Error('no JWTs in this test');
  };
  gateway = createGateway({
    routes: [...routes, scimProbe],
    // The local stack's authenticator without the JWT verifiers: the authorizer's code, run as its function.
    authenticate: (token, methodArn) =>
      runAsFunction(AUTHORIZER_HANDLER, async () =>
        allowWithContext(methodArn, await authenticate(token, refuseJwt, 'web', lookup)),
      ),
    root: PROJECT_ROOT,
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
});

async function call(method: string, path: string, secret: string) {
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${secret}` } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('a SCIM token at the gateway', () => {
  it('reaches a /scim/v2 endpoint that admits lms/scim, as the machine client scim-token:<id>', async () => {
    // Prepare
    const { token, secret } = await createScimToken(at(new Date()), admin, {
      description: 'Probe',
      expiresInDays: 1,
    });

    // Act
    const probed = await call('GET', '/scim/v2/Probe', secret);

    // Assess
    expect(probed).toEqual({
      status: 200,
      json: {
        principal: {
          sub: `client:scim-token:${token.id}`,
          userId: null,
          email: null,
          roles: [],
          client: { id: `scim-token:${token.id}`, scopes: ['lms/scim'] },
        },
      },
    });
    expect((await getScimToken(at(new Date()), token.id)).lastUsedAt).not.toBeNull();
  });

  it.each([
    ['GET', '/users'],
    ['GET', '/scim-tokens'],
    ['POST', '/cohorts'],
  ])('opens nothing outside /scim/v2: %s %s', async (method, path) => {
    // Prepare
    const { secret } = await createScimToken(at(new Date()), admin, {
      description: 'Elsewhere',
      expiresInDays: 1,
    });

    // Act
    const response = await call(method, path, secret);

    // Assess: refused by the policy, as API Gateway refuses it, before any function runs
    expect(response).toMatchObject({
      status: 403,
      json: { status: 403, detail: 'User is not authorized to access this resource' },
    });
  });

  it('is refused (401) once revoked, and once expired', async () => {
    // Prepare
    const revoked = await createScimToken(at(new Date()), admin, {
      description: 'Revoked',
      expiresInDays: 1,
    });
    await revokeScimToken(at(new Date()), admin, revoked.token.id);
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    const expired = await createScimToken(at(longAgo), admin, { description: 'Expired', expiresInDays: 2 });

    // Act
    const afterRevocation = await call('GET', '/scim/v2/Probe', revoked.secret);
    const afterExpiry = await call('GET', '/scim/v2/Probe', expired.secret);
    const unknown = await call('GET', '/scim/v2/Probe', `lms_scim_${'x'.repeat(43)}`);

    // Assess
    for (const response of [afterRevocation, afterExpiry, unknown])
      expect(response).toMatchObject({ status: 401, json: { status: 401 } });
  });
});

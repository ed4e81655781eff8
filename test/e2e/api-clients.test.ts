/**
 * Machine clients end to end on the local stack: an admin creates one through the API, it gets a
 * client-credentials token from the local OAuth server, and calls exactly the routes its scopes open.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  clientCredentials,
  createMachineClient,
  type MachineClient,
  tokenFor,
} from '../support/http.ts';

let admin: string;
const unique = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

describe('a machine client created through the API', () => {
  let client: MachineClient;
  let created: Awaited<ReturnType<typeof api>>;

  beforeAll(async () => {
    created = await api('POST', '/api-clients', {
      token: admin,
      body: { name: `Workday sync ${unique()}`, scopes: ['lms/users.read', 'lms/enrollments.write'] },
    });
    client = {
      clientId: created.json.client.clientId,
      secret: created.json.secret.value,
      tokenUrl: created.json.tokenUrl,
    };
  });

  it('is answered with its secret once, and listed without it', async () => {
    // Act
    const listed = await api('GET', '/api-clients', { token: admin });
    const one = await api('GET', `/api-clients/${client.clientId}`, { token: admin });

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(client.secret.length).toBeGreaterThanOrEqual(40);
    expect(created.json.client).toMatchObject({
      scopes: ['lms/users.read', 'lms/enrollments.write'],
      createdBy: 'admin@example.com',
      version: 1,
    });
    expect(listed.json.items.map((item: { clientId: string }) => item.clientId)).toContain(client.clientId);
    expect(listed.text).not.toContain(client.secret);
    expect(one.text).not.toContain(client.secret);
    expect(one.headers.get('etag')).toBe('"1"');
  });

  it('gets a token with every scope it holds when it names none (as Cognito does)', async () => {
    // Act
    const token = await clientCredentials(client, client.secret);

    // Assess
    expect(token.status).toBe(200);
    expect(token.json).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(token.json.scope?.split(' ').sort()).toEqual(['lms/enrollments.write', 'lms/users.read']);
  });

  it('calls exactly the routes its scopes open', async () => {
    // Prepare
    const { json } = await clientCredentials(client, client.secret);
    const token = json.access_token;

    // Act
    const people = await api('GET', '/users?limit=5', { token });
    const enroll = await api('POST', `/courses/${randomUUID()}/enrollments`, {
      token,
      body: { userIds: [] },
    });
    const createPerson = await api('POST', '/users', { token, body: {} });
    const catalog = await api('GET', '/courses', { token });
    const clients = await api('GET', '/api-clients', { token });

    // Assess
    expect(people.status).toBe(200);
    expect(enroll.status, enroll.text).not.toBe(403);
    expect(enroll.status).toBeLessThan(500);
    expect(createPerson.status).toBe(403);
    expect(createPerson.json.detail).toContain('lms/users.write');
    expect(catalog.status).toBe(403);
    expect(clients.status).toBe(403);
    expect(clients.json.detail).toContain('people only');
    expect(clients.headers.get('content-type')).toBe('application/problem+json');
  });

  it('gets only the scopes it asks for, and no scope it does not hold', async () => {
    // Act
    const narrow = await clientCredentials(client, client.secret, 'lms/users.read');
    const wider = await clientCredentials(client, client.secret, 'lms/users.write');
    const people = await api('GET', '/users?limit=1', { token: narrow.json.access_token });
    const enroll = await api('POST', `/courses/${randomUUID()}/enrollments`, {
      token: narrow.json.access_token,
      body: { userIds: [] },
    });

    // Assess
    expect(narrow.json.scope).toBe('lms/users.read');
    expect(people.status).toBe(200);
    expect(enroll.status).toBe(403);
    expect(wider.status).toBe(400);
    expect(wider.json.error).toBe('invalid_scope');
  });

  it('is refused a token with a wrong secret', async () => {
    // Act
    const wrong = await clientCredentials(client, `${client.secret}x`);

    // Assess
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
  });
});

describe('changing what a machine client may do', () => {
  it('gives its next token the new scopes, and refuses a change on a stale version', async () => {
    // Prepare
    const client = await createMachineClient(`LMS reports ${unique()}`, ['lms/users.read']);
    const before = await clientCredentials(client, client.secret);

    // Act
    const stale = await api('PATCH', `/api-clients/${client.clientId}`, {
      token: admin,
      body: { scopes: ['lms/reports.read'] },
      headers: { 'if-match': '"7"' },
    });
    const changed = await api('PATCH', `/api-clients/${client.clientId}`, {
      token: admin,
      body: { scopes: ['lms/reports.read', 'lms/courses.read'], description: 'Nightly BI extract' },
      headers: { 'if-match': '"1"' },
    });
    const after = await clientCredentials(client, client.secret);
    const people = await api('GET', '/users?limit=1', { token: after.json.access_token });
    const catalog = await api('GET', '/courses?limit=1', { token: after.json.access_token });
    const oldToken = await api('GET', '/users?limit=1', { token: before.json.access_token });
    const empty = await api('PATCH', `/api-clients/${client.clientId}`, {
      token: admin,
      body: {},
      headers: { 'if-match': '"2"' },
    });

    // Assess
    expect(stale.status).toBe(412);
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      scopes: ['lms/reports.read', 'lms/courses.read'],
      description: 'Nightly BI extract',
      version: 2,
    });
    expect(after.json.scope?.split(' ').sort()).toEqual(['lms/courses.read', 'lms/reports.read']);
    expect(people.status).toBe(403);
    expect(catalog.status).toBe(200);
    // A token issued before the change carries only the scopes the client still holds: the authorizer
    // checks its record (within its minute of cache in AWS), so users.read is gone at once.
    expect(oldToken.status).toBe(403);
    expect(oldToken.json.detail).toContain('the token has no LMS scope');
    expect(empty.status).toBe(400);
  });
});

describe('rotating a secret without downtime, and revoking', () => {
  it('runs two secrets side by side, retires the old one, and ends with revocation', async () => {
    // Prepare
    const client = await createMachineClient(`CRM ${unique()}`, ['lms/reports.read']);
    const firstSecretId = (await api('GET', `/api-clients/${client.clientId}`, { token: admin })).json
      .secrets[0].id;

    // Act: step one, a second secret
    const issued = await api('POST', `/api-clients/${client.clientId}/secrets`, { token: admin });
    const third = await api('POST', `/api-clients/${client.clientId}/secrets`, { token: admin });
    const withOld = await clientCredentials(client, client.secret);
    const withNew = await clientCredentials(client, issued.json.secret.value);

    // Assess
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.json.client.secrets).toHaveLength(2);
    expect(third.status).toBe(422);
    expect(withOld.status).toBe(200);
    expect(withNew.status).toBe(200);

    // Act: step two, the old secret retired (with a stale If-Match first)
    const stale = await api('DELETE', `/api-clients/${client.clientId}/secrets/${firstSecretId}`, {
      token: admin,
      headers: { 'if-match': '"1"' },
    });
    const retired = await api('DELETE', `/api-clients/${client.clientId}/secrets/${firstSecretId}`, {
      token: admin,
      headers: { 'if-match': '"2"' },
    });
    const oldAfter = await clientCredentials(client, client.secret);
    const newAfter = await clientCredentials(client, issued.json.secret.value);
    const last = await api('DELETE', `/api-clients/${client.clientId}/secrets/${issued.json.secret.id}`, {
      token: admin,
    });

    // Assess
    expect(stale.status).toBe(412);
    expect(retired.status).toBe(200);
    expect(retired.json.secrets.map((secret: { id: string }) => secret.id)).toEqual([issued.json.secret.id]);
    expect(oldAfter.status).toBe(401);
    expect(newAfter.status).toBe(200);
    expect(last.status).toBe(422);

    // Act: revocation (with a token issued before it)
    const before = await clientCredentials(client, issued.json.secret.value);
    const usable = await api('GET', '/users/me-or-anything/enrollments', { token: before.json.access_token });
    const revoked = await api('DELETE', `/api-clients/${client.clientId}`, { token: admin });
    const afterRevokeCall = await api('GET', '/compliance', { token: before.json.access_token });
    const afterRevoke = await clientCredentials(client, issued.json.secret.value);
    const gone = await api('GET', `/api-clients/${client.clientId}`, { token: admin });
    const trail = await api('GET', `/audit?target=api-client:${client.clientId}`, { token: admin });

    // Assess: each change audited, and no secret value in the audit trail
    expect(usable.status).not.toBe(401);
    expect(revoked.status).toBe(204);
    // The authorizer knows the client is gone: its unexpired token is refused (in AWS once the 5-minute
    // authorizer cache has let go of it).
    expect(afterRevokeCall.status).toBe(401);
    expect(afterRevoke.status).toBe(401);
    expect(gone.status).toBe(404);
    expect(trail.json.items.map((record: { action: string }) => record.action).sort()).toEqual([
      'api-client.created',
      'api-client.revoked',
      'api-client.secret-issued',
      'api-client.secret-retired',
    ]);
    expect(trail.text).not.toContain(client.secret);
    expect(trail.text).not.toContain(issued.json.secret.value);
  });
});

describe('bad input creates nothing', () => {
  it.each([
    ['an unknown scope', { name: 'Bad scope', scopes: ['lms/payroll.write'] }, 400, 'body.scopes.0'],
    ['no scope', { name: 'No scope', scopes: [] }, 400, 'body.scopes'],
    ['a scope twice', { name: 'Twice', scopes: ['lms/users.read', 'lms/users.read'] }, 400, 'body.scopes'],
    ['a name with markup', { name: '<script>', scopes: ['lms/users.read'] }, 400, 'body.name'],
    ['an unknown field', { name: 'Extra', scopes: ['lms/users.read'], secret: 'mine' }, 400, 'body'],
  ])('%s', async (_name, body, status, path) => {
    // Act
    const response = await api('POST', '/api-clients', { token: admin, body });
    const listed = await api('GET', '/api-clients', { token: admin });

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(response.json.errors)).toContain(path);
    expect(listed.json.items.map((item: { name: string }) => item.name)).not.toContain(body.name);
  });

  it('refuses a name already taken, any case', async () => {
    // Prepare
    const name = `HRIS ${unique()}`;
    await createMachineClient(name, ['lms/users.read']);

    // Act
    const again = await api('POST', '/api-clients', {
      token: admin,
      body: { name: name.toUpperCase(), scopes: ['lms/users.read'] },
    });
    const listed = await api('GET', '/api-clients', { token: admin });

    // Assess
    expect(again.status).toBe(409);
    expect(
      listed.json.items.filter((item: { name: string }) => item.name.toLowerCase() === name.toLowerCase()),
    ).toHaveLength(1);
  });

  it('is for admins only', async () => {
    // Act
    const response = await api('POST', '/api-clients', {
      token: await tokenFor('manager@example.com'),
      body: { name: `Manager's ${unique()}`, scopes: ['lms/users.read'] },
    });

    // Assess
    expect(response.status).toBe(403);
  });
});

/**
 * Idempotency-Key over HTTP. A key belongs to its caller and names one request: a retry replays the first
 * answer; the same key with another route, resource or body is refused (422) and changes nothing; a replay
 * still passes the route gate, so a caller who lost the role or scope is refused rather than answered.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient } from '../../shared/clients.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import {
  type ApiResponse,
  api,
  clientCredentials,
  createMachineClient,
  freshTokenFor,
  tokenFor,
  userIdByEmail,
} from '../support/http.ts';

const REUSED = 'Idempotency-Key reused for a different request';

function expectReusedKeyRefusal(response: ApiResponse): void {
  expect(response.status, response.text).toBe(422);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.json).toMatchObject({
    status: 422,
    detail: REUSED,
    errors: [{ path: 'headers.idempotency-key' }],
  });
  expect(response.headers.get('idempotent-replayed')).toBeNull();
}

describe('Idempotency-Key on creating routes', () => {
  it('replays the first response to a retry and creates one person', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const key = randomUUID();
    const body = { email: uniqueEmail('retry'), givenName: 'Retry', familyName: 'Safe' };
    // Act
    const first = await api('POST', '/users', { token: admin, body, headers: { 'idempotency-key': key } });
    const retry = await api('POST', '/users', { token: admin, body, headers: { 'idempotency-key': key } });
    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const audit = await api('GET', `/audit?target=user:${first.json.id}`, { token: admin });
    expect(audit.json.items).toHaveLength(1);
  });

  it('refuses the same key with a different body (422), and without a key a retry is a new request (409)', async () => {
    const admin = await tokenFor('admin@example.com');
    const key = randomUUID();
    const name = uniqueName('Ops');
    expect(
      (
        await api('POST', '/departments', {
          token: admin,
          body: { name },
          headers: { 'idempotency-key': key },
        })
      ).status,
    ).toBe(201);
    const reused = await api('POST', '/departments', {
      token: admin,
      body: { name: `${name} 2` },
      headers: { 'idempotency-key': key },
    });
    expectReusedKeyRefusal(reused);
    expect((await api('POST', '/departments', { token: admin, body: { name } })).status).toBe(409);
  });

  it('A reused Idempotency-Key on another resource is refused', async () => {
    // Prepare: two courses and a person; the person is enrolled in course A under a key
    const admin = await tokenFor('admin@example.com');
    const courseA = (await api('POST', '/courses', { token: admin, body: { title: uniqueName('Course A') } }))
      .json.id;
    const courseB = (await api('POST', '/courses', { token: admin, body: { title: uniqueName('Course B') } }))
      .json.id;
    const learnerId = await userIdByEmail('learner@example.com');
    const key = randomUUID();
    const body = { userIds: [learnerId] };
    const first = await api('POST', `/courses/${courseA}/enrollments`, {
      token: admin,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status, first.text).toBe(200);
    expect(first.json.results).toEqual([expect.objectContaining({ userId: learnerId, outcome: 'enrolled' })]);
    // Act: the same key and body, sent to course B
    const reused = await api('POST', `/courses/${courseB}/enrollments`, {
      token: admin,
      body,
      headers: { 'idempotency-key': key },
    });
    // Assess: refused, and nobody is enrolled in B (nor audited); A's answer still replays under the key
    expectReusedKeyRefusal(reused);
    const enrolledInB = await api('GET', `/courses/${courseB}/enrollments`, { token: admin });
    expect(enrolledInB.json.items).toEqual([]);
    const auditOfB = await api('GET', `/audit?target=enrollment:${courseB}:${learnerId}`, { token: admin });
    expect(auditOfB.json.items).toEqual([]);
    const retryOfA = await api('POST', `/courses/${courseA}/enrollments`, {
      token: admin,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(retryOfA.status).toBe(200);
    expect(retryOfA.headers.get('idempotent-replayed')).toBe('true');
    expect(retryOfA.json).toEqual(first.json);
  });

  it('refuses a key reused on another route, and creates nothing there', async () => {
    // Prepare: a person created under a key
    const admin = await tokenFor('admin@example.com');
    const key = randomUUID();
    const created = await api('POST', '/users', {
      token: admin,
      body: { email: uniqueEmail('keyed'), givenName: 'Kay', familyName: 'Ed' },
      headers: { 'idempotency-key': key },
    });
    expect(created.status).toBe(201);
    const name = uniqueName('Keyed department');
    // Act
    const reused = await api('POST', '/departments', {
      token: admin,
      body: { name },
      headers: { 'idempotency-key': key },
    });
    // Assess
    expectReusedKeyRefusal(reused);
    const departments = await api('GET', '/departments?limit=100', { token: admin });
    expect(departments.json.items.map((department: { name: string }) => department.name)).not.toContain(name);
    // The key is the caller's own: another caller may use the same one for anything.
    const client = await createMachineClient(uniqueName('Key owner'), ['lms/users.write']);
    const token = (await clientCredentials(client, client.secret)).json.access_token;
    const theirs = await api('POST', '/departments', {
      token,
      body: { name },
      headers: { 'idempotency-key': key },
    });
    expect(theirs.status, theirs.text).toBe(201);
  });

  it('refuses a replay to a person who lost the role (403), rather than repeating the answer', async () => {
    // Prepare: an admin login creates a department under a key, then is made a learner
    const admin = await tokenFor('admin@example.com');
    const email = uniqueEmail('demoted');
    const profile = await api('POST', '/users', {
      token: admin,
      body: { email, givenName: 'Dee', familyName: 'Moted' },
    });
    expect(profile.status).toBe(201);
    const { resources } = readLocalEnvironment();
    const login = { email, password: DEMO_PASSWORD };
    await ensureCognitoUser(cognitoClient(), resources, { ...login, groups: ['admin'] });
    const asAdmin = await freshTokenFor(email);
    const key = randomUUID();
    const body = { name: uniqueName('Before demotion') };
    const first = await api('POST', '/departments', {
      token: asAdmin,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status, first.text).toBe(201);
    await ensureCognitoUser(cognitoClient(), resources, { ...login, groups: ['learner'] });
    const asLearner = await freshTokenFor(email);
    // Act
    const replay = await api('POST', '/departments', {
      token: asLearner,
      body,
      headers: { 'idempotency-key': key },
    });
    // Assess
    expect(replay.status).toBe(403);
    expect(replay.headers.get('content-type')).toBe('application/problem+json');
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.text).not.toContain(first.json.id);
  });

  it('refuses a replay to a machine client whose scope was taken away (403)', async () => {
    // Prepare: a client with lms/users.write creates a person under a key; then it keeps only lms/users.read
    const admin = await tokenFor('admin@example.com');
    const client = await createMachineClient(uniqueName('HR sync'), ['lms/users.write']);
    const before = (await clientCredentials(client, client.secret)).json.access_token;
    const key = randomUUID();
    const body = { email: uniqueEmail('synced'), givenName: 'Syn', familyName: 'Ced' };
    const first = await api('POST', '/users', { token: before, body, headers: { 'idempotency-key': key } });
    expect(first.status, first.text).toBe(201);
    const narrowed = await api('PATCH', `/api-clients/${client.clientId}`, {
      token: admin,
      body: { scopes: ['lms/users.read'] },
      headers: { 'if-match': '"1"' },
    });
    expect(narrowed.status, narrowed.text).toBe(200);
    const after = (await clientCredentials(client, client.secret)).json.access_token;
    // Act
    const replay = await api('POST', '/users', { token: after, body, headers: { 'idempotency-key': key } });
    // Assess
    expect(replay.status).toBe(403);
    expect(replay.json.detail).toContain('lms/users.write');
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
  });

  it('does not replay a failed request: the key stays usable after the error is fixed', async () => {
    const admin = await tokenFor('admin@example.com');
    const key = randomUUID();
    const body = { email: 'learner@example.com', givenName: 'Taken', familyName: 'Email' };
    expect(
      (await api('POST', '/users', { token: admin, body, headers: { 'idempotency-key': key } })).status,
    ).toBe(409);
    const again = await api('POST', '/users', { token: admin, body, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(409);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a malformed key, naming the header', async () => {
    const admin = await tokenFor('admin@example.com');
    const response = await api('POST', '/users', {
      token: admin,
      body: { email: uniqueEmail(), givenName: 'A', familyName: 'B' },
      headers: { 'idempotency-key': 'short' },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].path).toBe('headers.idempotency-key');
  });
});

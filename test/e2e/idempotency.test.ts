import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';

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
    expect(reused.status).toBe(422);
    expect(reused.json.errors[0].path).toBe('headers.idempotency-key');
    expect((await api('POST', '/departments', { token: admin, body: { name } })).status).toBe(409);
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

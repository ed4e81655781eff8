import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes/index.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, departmentIdByName, tokenFor } from '../support/http.ts';

describe('the local stack over HTTP, as a client sees it', () => {
  it('reports every dependency healthy', async () => {
    const response = await api('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.json.status).toBe('ok');
    expect(response.json.dependencies.map((d: { name: string }) => d.name).sort()).toEqual(
      ['analytics-bucket', 'backups-bucket', 'content-bucket', 'table', 'uploads-bucket', 'user-pool'].sort(),
    );
  });

  it('serves the OpenAPI 3.1 document with every route of the manifest', async () => {
    const response = await api('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    const operations = Object.values(response.json.paths as Record<string, object>).flatMap((p) =>
      Object.keys(p),
    );
    expect(operations).toHaveLength(routes.length);
  });

  it('answers 401 problem+json to an anonymous call and to a tampered token', async () => {
    const anonymous = await api('GET', '/users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(anonymous.json.requestId).toEqual(expect.any(String));
    const token = await tokenFor('admin@example.com');
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect((await api('GET', '/users', { token: tampered })).status).toBe(401);
  });

  it('answers 403 to the learner on admin routes', async () => {
    const learner = await tokenFor('learner@example.com');
    const response = await api('POST', '/users', {
      token: learner,
      body: { email: uniqueEmail(), givenName: 'X', familyName: 'Y' },
    });
    expect(response.status).toBe(403);
    expect(response.json.title).toBe('Forbidden');
  });

  it('shows the manager of Sales only Sales and its sub-departments', async () => {
    const manager = await tokenFor('manager@example.com');
    const departments = await api('GET', '/departments', { token: manager });
    expect(departments.json.items.map((d: { name: string }) => d.name).sort()).toEqual([
      'Sales',
      'Sales EMEA',
    ]);
    const ids = new Set(departments.json.items.map((d: { id: string }) => d.id));
    const people = await api('GET', '/users?limit=100', { token: manager });
    expect(people.status).toBe(200);
    expect(people.json.items.length).toBeGreaterThanOrEqual(4);
    for (const person of people.json.items) expect(ids.has(person.departmentId)).toBe(true);
    const engineering = { id: await departmentIdByName('Engineering') };
    expect((await api('GET', `/users?departmentId=${engineering.id}`, { token: manager })).status).toBe(403);
  });

  it('walks an admin through a department and a person: create, read, update with If-Match, suspend, audit', async () => {
    const admin = await tokenFor('admin@example.com');
    // Create
    const department = await api('POST', '/departments', {
      token: admin,
      body: { name: uniqueName('Support') },
    });
    expect(department.status).toBe(201);
    const created = await api('POST', '/users', {
      token: admin,
      body: {
        email: uniqueEmail('ada'),
        givenName: 'Ada',
        familyName: 'Lovelace',
        departmentId: department.json.id,
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/users/${created.json.id}`);
    const path = `/users/${created.json.id}`;
    // Read: the ETag carries the version
    const read = await api('GET', path, { token: admin });
    expect(read.headers.get('etag')).toBe('"1"');
    // Update without If-Match, with a stale one, then right
    expect((await api('PATCH', path, { token: admin, body: { jobTitle: 'Analyst' } })).status).toBe(428);
    const stale = await api('PATCH', path, {
      token: admin,
      body: { jobTitle: 'Analyst' },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    const updated = await api('PATCH', path, {
      token: admin,
      body: { jobTitle: 'Analyst' },
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    // Suspend and reactivate
    const suspended = await api('POST', `${path}/suspend`, {
      token: admin,
      body: { reason: 'Parental leave' },
    });
    expect(suspended.json.status).toBe('suspended');
    expect((await api('POST', `${path}/reactivate`, { token: admin })).json.status).toBe('active');
    // Audit trail, newest first
    const audit = await api('GET', `/audit?target=user:${created.json.id}`, { token: admin });
    expect(audit.json.items.map((r: { action: string }) => r.action)).toEqual([
      'user.reactivated',
      'user.suspended',
      'user.updated',
      'user.created',
    ]);
    expect(audit.json.items[2].before.jobTitle).toBeNull();
    expect(audit.json.items[2].after.jobTitle).toBe('Analyst');
  });

  it('refuses a duplicate email with 409 naming the field', async () => {
    const admin = await tokenFor('admin@example.com');
    const response = await api('POST', '/users', {
      token: admin,
      body: { email: 'LEARNER@example.com', givenName: 'Dup', familyName: 'Licate' },
    });
    expect(response.status).toBe(409);
    expect(response.json.errors).toEqual([{ path: 'body.email', message: 'already in use' }]);
  });

  it('answers unknown paths 404, wrong methods 405 with Allow, and CORS preflights', async () => {
    expect((await api('GET', '/nowhere')).status).toBe(404);
    const wrongMethod = await api('PUT', '/health');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const preflight = await api('OPTIONS', '/users', { headers: { origin: 'https://admin.example.com' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('If-Match');
  });
});

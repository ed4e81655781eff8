/**
 * Organising the catalog and the people over HTTP, as an admin UI does it: categories, learning paths, a
 * department renamed, people added to a static cohort, and the accessibility waiver refused where there is
 * nothing to waive. (The rules behind each are tested against the use cases in test/integration.)
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';

describe('organising over HTTP', () => {
  it('creates and renames a category, and files a sub-category under it', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');

    // Act
    const created = await api('POST', '/categories', { token: admin, body: { name: uniqueName('Safety') } });
    const renamed = await api('PATCH', `/categories/${created.json.id}`, {
      token: admin,
      headers: { 'If-Match': created.headers.get('etag') ?? '' },
      body: { name: uniqueName('Health and safety') },
    });
    const child = await api('POST', '/categories', {
      token: admin,
      body: { name: uniqueName('Fire'), parentId: created.json.id },
    });

    // Assess
    expect(created.status).toBe(201);
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toMatch(/^Health and safety /);
    expect(renamed.headers.get('etag')).toBe('"2"');
    expect(child.status).toBe(201);
    expect(child.json.parentId).toBe(created.json.id);
  });

  it('gives a course a code other systems know it by: unique ignoring case, found by it, freed when changed', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const code = `ENG115-${randomUUID().slice(0, 8)}`;

    // Act
    const created = await api('POST', '/courses', { token: admin, body: { title: 'English 115', code } });
    const taken = await api('POST', '/courses', {
      token: admin,
      body: { title: 'Another', code: code.toLowerCase() },
    });
    const found = await api('GET', `/courses?code=${code.toLowerCase()}`, { token: admin });
    const changed = await api('PATCH', `/courses/${created.json.id}`, {
      token: admin,
      headers: { 'If-Match': created.headers.get('etag') ?? '' },
      body: { code: `${code}-B` },
    });
    const freed = await api('POST', '/courses', { token: admin, body: { title: 'Reuse', code } });
    const bad = await api('POST', '/courses', { token: admin, body: { title: 'Bad', code: '=cmd|x' } });

    // Assess
    expect(created.status, created.text).toBe(201);
    expect(created.json.code).toBe(code);
    expect(taken.status).toBe(409);
    expect(taken.json.errors).toEqual([{ path: 'body.code', message: 'already in use' }]);
    expect(found.json.items.map((course: { id: string }) => course.id)).toEqual([created.json.id]);
    expect(changed.status, changed.text).toBe(200);
    expect(freed.status, freed.text).toBe(201);
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('body.code');
  });

  it('builds a learning path of two courses, then reorders it', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const course = async (title: string) =>
      (await api('POST', '/courses', { token: admin, body: { title: uniqueName(title) } })).json.id as string;
    const [basics, advanced] = [await course('Basics'), await course('Advanced')];

    // Act
    const created = await api('POST', '/learning-paths', {
      token: admin,
      body: { title: uniqueName('Onboarding'), courseIds: [basics, advanced] },
    });
    const reordered = await api('PATCH', `/learning-paths/${created.json.id}`, {
      token: admin,
      headers: { 'If-Match': created.headers.get('etag') ?? '' },
      body: { courseIds: [advanced, basics] },
    });

    // Assess
    expect(created.status).toBe(201);
    expect(created.json.courseIds).toEqual([basics, advanced]);
    expect(reordered.status).toBe(200);
    expect(reordered.json.courseIds).toEqual([advanced, basics]);
  });

  it('renames a department, and adds people to a static cohort', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const department = await api('POST', '/departments', { token: admin, body: { name: uniqueName('Ops') } });
    const person = await api('POST', '/users', {
      token: admin,
      body: { email: uniqueEmail('member'), givenName: 'Mo', familyName: 'Member' },
    });
    const cohort = await api('POST', '/cohorts', {
      token: admin,
      body: { name: uniqueName('Mentors'), kind: 'static' },
    });

    // Act
    const renamed = await api('PATCH', `/departments/${department.json.id}`, {
      token: admin,
      headers: { 'If-Match': department.headers.get('etag') ?? '' },
      body: { name: uniqueName('Operations') },
    });
    const added = await api('POST', `/cohorts/${cohort.json.id}/members`, {
      token: admin,
      body: { userIds: [person.json.id] },
    });

    // Assess
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toMatch(/^Operations /);
    expect(added.status).toBe(200);
    expect(added.json.results).toEqual([expect.objectContaining({ userId: person.json.id })]);
  });

  it('refuses an accessibility waiver for a course without content, saying why', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const course = await api('POST', '/courses', { token: admin, body: { title: uniqueName('Empty') } });

    // Act
    const waiver = await api('POST', `/courses/${course.json.id}/accessibility-waiver`, {
      token: admin,
      body: { reason: 'Accessible handout provided' },
    });

    // Assess
    expect(waiver.status).toBe(422);
    expect(waiver.json.detail).toMatch(/has no content yet, so there is nothing to waive/);
  });
});

/**
 * Cohorts over HTTP on the local stack, with its event bus: a rule cohort of generated people is linked to a
 * course; a person who changes department leaves the cohort and is withdrawn, a new person joins and is
 * enrolled, each through the domain events the changes publish.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';

/** Asks until the answer satisfies `done` (the event bus works in the background), or fails after 20 s. */
async function eventually<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('cohorts over HTTP', () => {
  it('enrolls a rule cohort of generated people, and its enrollments follow people who move', async () => {
    // Prepare: Operations with a sub-department of 20 people, and a Finance department of 5
    const admin = await tokenFor('admin@example.com');
    const department = async (name: string, parentId?: string) =>
      (await api('POST', '/departments', { token: admin, body: { name: uniqueName(name), parentId } })).json
        .id;
    const operations = await department('Operations');
    const warehouse = await department('Warehouse', operations);
    const finance = await department('Finance');
    const person = async (departmentId: string) => {
      const created = await api('POST', '/users', {
        token: admin,
        body: { email: uniqueEmail('ops'), givenName: 'Op', familyName: 'Erator', departmentId },
      });
      expect(created.status).toBe(201);
      return created.json.id as string;
    };
    const warehouseIds = await Promise.all(Array.from({ length: 20 }, () => person(warehouse)));
    await Promise.all(Array.from({ length: 5 }, () => person(finance)));

    // Act 1: a rule cohort of Operations (sub-departments included), linked to a course with a due date
    const cohort = await api('POST', '/cohorts', {
      token: admin,
      body: {
        name: uniqueName('All of Operations'),
        kind: 'rule',
        rule: { type: 'department', departmentId: operations },
      },
    });
    const course = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Manual handling') },
    });
    const link = await api('POST', `/cohorts/${cohort.json.id}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'withdraw', due: { from: 'enrollment', days: 30 } },
    });
    // Assess 1
    expect(cohort.status).toBe(201);
    expect(cohort.json.memberCount).toBe(20);
    expect(link.status).toBe(200);
    // The bus may still be delivering the people's own events: the sync job can enroll a member moments before
    // the link does, and the link then counts them as already enrolled. Together they are the 20.
    expect(link.json).toMatchObject({ waitlisted: 0, refused: [] });
    expect(link.json.enrolled + link.json.alreadyEnrolled).toBe(20);
    const enrollments = await api('GET', `/courses/${course.json.id}/enrollments?limit=100`, {
      token: admin,
    });
    expect(enrollments.json.items.map((e: { userId: string }) => e.userId).sort()).toEqual(
      [...warehouseIds].sort(),
    );
    const members = await api('GET', `/cohorts/${cohort.json.id}/members?limit=100`, { token: admin });
    expect(members.json.items.map((member: { userId: string }) => member.userId).sort()).toEqual(
      [...warehouseIds].sort(),
    );

    // Act 2: one person moves to Finance
    const mover = warehouseIds[0] as string;
    const read = await api('GET', `/users/${mover}`, { token: admin });
    const moved = await api('PATCH', `/users/${mover}`, {
      token: admin,
      body: { departmentId: finance },
      headers: { 'if-match': read.headers.get('etag') ?? '' },
    });
    expect(moved.status).toBe(200);
    // Assess 2: they leave the cohort, and the link's policy withdraws them
    const cohorts = await eventually(
      () => api('GET', `/users/${mover}/cohorts`, { token: admin }),
      (response) => response.json.items.length === 0,
    );
    expect(cohorts.json.items).toEqual([]);
    const withdrawn = await eventually(
      () => api('GET', `/courses/${course.json.id}/enrollments/${mover}`, { token: admin }),
      (response) => response.json.status === 'withdrawn',
    );
    expect(withdrawn.json.status).toBe('withdrawn');
    expect(withdrawn.json.history.at(-1)).toMatchObject({ status: 'withdrawn', reason: 'left the cohort' });

    // Act 3: someone new starts in the warehouse
    const newcomer = await person(warehouse);
    // Assess 3: they join the cohort and are enrolled, with the cohort as the source and a due date
    const enrolled = await eventually(
      () => api('GET', `/courses/${course.json.id}/enrollments/${newcomer}`, { token: admin }),
      (response) => response.status === 200,
    );
    expect(enrolled.status).toBe(200);
    expect(enrolled.json.sources).toEqual([
      expect.objectContaining({ source: 'cohort', reference: `cohort:${cohort.json.id}` }),
    ]);
    expect(enrolled.json.dueAt).not.toBeNull();
    const explained = await api('GET', `/users/${newcomer}/enrollments/${course.json.id}/explain`, {
      token: admin,
    });
    expect(explained.json.reasons[0]).toContain(`cohort by`);
    expect(explained.json.cohorts).toEqual([
      expect.objectContaining({ cohortId: cohort.json.id, kind: 'rule', stillMember: true }),
    ]);
    expect(explained.json.reasons).toContain(
      `Cohort ${cohort.json.name} (its rule matches the person): still a member.`,
    );
    expect((await api('GET', `/cohorts/${cohort.json.id}`, { token: admin })).json.memberCount).toBe(20);

    // And the department's compliance report lists the 20 current enrollments as pending
    const report = await api('GET', `/compliance?departmentId=${operations}&limit=100`, { token: admin });
    expect(report.status).toBe(200);
    expect(report.json.items).toHaveLength(20);
    expect(new Set(report.json.items.map((row: { status: string }) => row.status))).toEqual(
      new Set(['pending']),
    );
    // A manager of another subtree sees none of these members
    const manager = await tokenFor('manager@example.com');
    const theirs = await api('GET', `/cohorts/${cohort.json.id}/members?limit=100`, { token: manager });
    expect(theirs.json.items).toEqual([]);
    expect((await api('GET', `/compliance?departmentId=${operations}`, { token: manager })).status).toBe(403);
  });

  it("keeps a cohort's external id unique: a second cohort cannot take it, a change moves it, null frees it", async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const externalId = `grp-${randomUUID()}`;

    // Act: a cohort with the external id, then another asking for it
    const first = await api('POST', '/cohorts', {
      token: admin,
      body: { name: uniqueName('Directory group'), kind: 'static', externalId },
    });
    const taken = await api('POST', '/cohorts', {
      token: admin,
      body: { name: uniqueName('Other group'), kind: 'static', externalId },
    });

    // Assess
    expect(first.status, first.text).toBe(201);
    expect(first.json.externalId).toBe(externalId);
    expect(taken.status).toBe(409);
    expect(taken.json.errors).toEqual([{ path: 'body.externalId', message: 'already in use' }]);

    // Act: the first gives it up (null); then the other may take it
    const freed = await api('PATCH', `/cohorts/${first.json.id}`, {
      token: admin,
      body: { externalId: null },
      headers: { 'if-match': `"${first.json.version}"` },
    });
    const second = await api('POST', '/cohorts', {
      token: admin,
      body: { name: uniqueName('Other group'), kind: 'static', externalId },
    });

    // Assess
    expect(freed.status, freed.text).toBe(200);
    expect(freed.json.externalId).toBeNull();
    expect(second.status, second.text).toBe(201);
    // A control character is refused, naming the field
    const control = await api('POST', '/cohorts', {
      token: admin,
      body: { name: uniqueName('Bad id'), kind: 'static', externalId: 'a\u0007b' },
    });
    expect(control.status).toBe(400);
    expect(control.json.errors).toEqual([expect.objectContaining({ path: 'body.externalId' })]);
  });

  it('answers bad cohort input with a 4xx naming the problem, and writes nothing', async () => {
    const admin = await tokenFor('admin@example.com');
    const before = await api('GET', '/cohorts?limit=100', { token: admin });
    // A rule that does not parse
    const unparsable = await api('POST', '/cohorts', {
      token: admin,
      body: {
        name: uniqueName('Bad'),
        kind: 'rule',
        rule: { type: 'all', rules: [{ type: 'salary', op: 'gt' }] },
      },
    });
    expect(unparsable.status).toBe(400);
    expect(unparsable.json.errors).toEqual([expect.objectContaining({ path: 'body.rule.rules.0.type' })]);
    // A rule that names a department that does not exist
    const unknown = await api('POST', '/cohorts', {
      token: admin,
      body: {
        name: uniqueName('Bad'),
        kind: 'rule',
        rule: { type: 'department', departmentId: randomUUID() },
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toMatch(/no department/);
    // A rule that matches everyone, unconfirmed
    const everyone = await api('POST', '/cohorts', {
      token: admin,
      body: {
        name: uniqueName('Everyone'),
        kind: 'rule',
        rule: { type: 'not', rule: { type: 'attribute', attribute: 'custom.nothing', op: 'exists' } },
      },
    });
    expect(everyone.status).toBe(422);
    expect(everyone.json.errors).toEqual([expect.objectContaining({ path: 'body.confirmMatchesEveryone' })]);
    // A duplicate name, a stale If-Match, a due date in the past
    const name = uniqueName('Static');
    const cohort = await api('POST', '/cohorts', { token: admin, body: { name, kind: 'static' } });
    expect(
      (await api('POST', '/cohorts', { token: admin, body: { name: name.toUpperCase(), kind: 'static' } }))
        .status,
    ).toBe(409);
    const stale = await api('PATCH', `/cohorts/${cohort.json.id}`, {
      token: admin,
      body: { description: 'x' },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    const course = await api('POST', '/courses', { token: admin, body: { title: uniqueName('Past due') } });
    const past = await api('POST', `/cohorts/${cohort.json.id}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'keep', due: { from: 'fixed', at: '2020-01-01T00:00:00Z' } },
    });
    expect(past.status).toBe(422);
    expect(past.json.errors).toEqual([expect.objectContaining({ path: 'body.due.at' })]);
    expect((await api('GET', `/cohorts/${cohort.json.id}/courses`, { token: admin })).json.items).toEqual([]);
    // Rule-only operations on a static cohort
    const rule = await api('POST', `/cohorts/${cohort.json.id}/reevaluate`, { token: admin });
    expect(rule.status).toBe(400);
    const after = await api('GET', '/cohorts?limit=100', { token: admin });
    expect(after.json.items.length).toBe(Math.min(100, before.json.items.length + 1));
  });
});

/**
 * The cohorts an import creates and the memberships it adds, written and undone by their part of apply
 * (apply-cohorts.ts) against DynamoDB Local, run as the import's run function (its AWS calls are what its
 * grant must allow). Around them, an administrator works through the API: adds and removes members, links a
 * course. Undo takes back only what the import made, and leaves a cohort someone has since used.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runAsFunction } from '../../shared/aws-calls.ts';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { type Cohort, type CohortMember, newCohort } from '../../shared/domain/cohort.ts';
import {
  cohortChanges,
  importMemberBy,
  membershipChanges,
} from '../../shared/use-cases/imports/apply-cohorts.ts';
import type { Run } from '../../shared/use-cases/imports/changes.ts';
import type { CohortCreation, MembershipChange } from '../../shared/use-cases/imports/ports.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';
import { importTestPorts } from '../support/import-ports.ts';
import { applyingImport } from '../support/import-record.ts';

const RUN_IMPORT = 'functions/imports/run-import.ts';
const NOW = new Date().toISOString();

const ports = () => importTestPorts(dynamoDb(), requireSetting('tableName'));

function runOf(importId: string): Run {
  const record = applyingImport(0, { id: importId, format: 'moodle', plan: null });
  return { record, requestId: `test-${importId}`, keep: async () => undefined };
}

const creation = (seq: number, cohort: Cohort): CohortCreation => ({
  op: 'cohort',
  before: null,
  after: cohort,
  seq,
  line: seq + 1,
});

const joining = (seq: number, importId: string, cohortId: string, userId: string): MembershipChange => {
  const after: CohortMember = {
    cohortId,
    userId,
    via: 'static',
    addedAt: NOW,
    addedBy: importMemberBy(importId),
  };
  return { op: 'membership', before: null, after, key: `${cohortId}/${userId}`, seq, line: seq + 1 };
};

async function person(admin: string): Promise<string> {
  const created = await api('POST', '/users', {
    token: admin,
    body: { email: uniqueEmail('member'), givenName: 'Mo', familyName: 'Member' },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON
async function cohortOf(admin: string, id: string): Promise<any> {
  return (await api('GET', `/cohorts/${id}`, { token: admin })).json;
}

async function membersOf(admin: string, id: string): Promise<[string, string][]> {
  const page = await api('GET', `/cohorts/${id}/members?limit=100`, { token: admin });
  return page.json.items
    .map((member: CohortMember) => [member.userId, member.addedBy] as [string, string])
    .sort();
}

describe("an import's cohorts and memberships, against an administrator's changes", () => {
  it('adds members as the import, takes back only those, and removes its cohort once no one else is in it', async () => {
    // Prepare: two people, the cohort the import makes, and one that takes its name in between
    const admin = await tokenFor('admin@example.com');
    const importId = randomUUID();
    const run = runOf(importId);
    const [ana, ben] = [await person(admin), await person(admin)];
    const nobody = randomUUID();
    const name = uniqueName('Imported cohort');
    const cohort = newCohort(randomUUID(), NOW, { name, kind: 'static', externalId: `ext-${importId}` });
    const twin = newCohort(randomUUID(), NOW, { name: name.toUpperCase(), kind: 'static' });
    const cohorts = cohortChanges(ports());
    const memberships = membershipChanges(ports());
    const changes = [joining(3, importId, cohort.id, ana), joining(4, importId, cohort.id, ben)];
    const lost = joining(5, importId, cohort.id, nobody);

    // Act: write the cohort (its twin is refused on the name), then the memberships
    const refusedCohorts = await runAsFunction(RUN_IMPORT, () =>
      cohorts.write([creation(1, cohort), creation(2, twin)], run),
    );
    const refusedMembers = await runAsFunction(RUN_IMPORT, () => memberships.write([...changes, lost], run));
    const waiting = await runAsFunction(RUN_IMPORT, () => memberships.waiting?.([lost]));

    // Assess: the cohort with its two members, the import named as who added them
    expect([...refusedCohorts]).toEqual([[2, `The cohort name ${name.toUpperCase()} is already in use.`]]);
    expect([...refusedMembers]).toEqual([
      [5, 'the person is not there (not created by the import, or removed since)'],
    ]);
    expect([...(waiting ?? [])]).toEqual([5]);
    expect(await cohortOf(admin, cohort.id)).toMatchObject({
      name,
      externalId: `ext-${importId}`,
      memberCount: 2,
    });
    expect(await membersOf(admin, cohort.id)).toEqual(
      [
        [ana, `import:${importId}`],
        [ben, `import:${importId}`],
      ].sort(),
    );
    expect([...(await runAsFunction(RUN_IMPORT, () => memberships.written(changes)))]).toEqual([3, 4]);
    expect([...(await runAsFunction(RUN_IMPORT, () => cohorts.written([creation(1, cohort)])))]).toEqual([1]);

    // Act: an administrator removes Ben and adds him back; then undo
    expect((await api('DELETE', `/cohorts/${cohort.id}/members/${ben}`, { token: admin })).status).toBe(204);
    const readded = await api('POST', `/cohorts/${cohort.id}/members`, {
      token: admin,
      body: { userIds: [ben] },
    });
    expect(readded.json.results?.[0]?.outcome ?? readded.json.items?.[0]?.outcome, readded.text).toBe(
      'added',
    );
    const undoneMembers = await runAsFunction(RUN_IMPORT, () =>
      memberships.undo([...changes].reverse(), run),
    );
    const keptCohort = await runAsFunction(RUN_IMPORT, () => cohorts.undo([creation(1, cohort)], run));

    // Assess: Ana's membership (the import's) is gone, Ben's (the administrator's) stays, and so does the cohort
    expect(undoneMembers).toEqual({ restored: 2, refused: [] });
    expect((await membersOf(admin, cohort.id)).map(([userId]) => userId)).toEqual([ben]);
    expect(keptCohort).toEqual({
      restored: 0,
      refused: [{ line: 2, key: name, reason: 'it has 1 members the import did not add: left as it is' }],
    });

    // Act: once Ben is removed, undo again
    expect((await api('DELETE', `/cohorts/${cohort.id}/members/${ben}`, { token: admin })).status).toBe(204);
    const removed = await runAsFunction(RUN_IMPORT, () => cohorts.undo([creation(1, cohort)], run));

    // Assess: the cohort is gone, and its name and external id are free again
    expect(removed).toEqual({ restored: 1, refused: [] });
    expect((await api('GET', `/cohorts/${cohort.id}`, { token: admin })).status).toBe(404);
    const again = await api('POST', '/cohorts', {
      token: admin,
      body: { name, kind: 'static', externalId: `ext-${importId}` },
    });
    expect(again.status, again.text).toBe(201);
  });

  it('enrolls a new member in the courses linked to the cohort, and leaves a linked cohort in place on undo', async () => {
    // Prepare: the import's cohort, linked by an administrator to a published course
    const admin = await tokenFor('admin@example.com');
    const importId = randomUUID();
    const run = runOf(importId);
    const learner = await person(admin);
    const cohort = newCohort(randomUUID(), NOW, {
      name: uniqueName('Linked'),
      kind: 'static',
    });
    await runAsFunction(RUN_IMPORT, () => cohortChanges(ports()).write([creation(1, cohort)], run));
    const course = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Linked course') },
    });
    expect(course.status, course.text).toBe(201);
    const published = await api('POST', `/courses/${course.json.id}/publish`, {
      token: admin,
      headers: { 'if-match': `"${course.json.version}"` },
    });
    expect(published.status, published.text).toBe(200);
    const link = await api('POST', `/cohorts/${cohort.id}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'keep' },
    });
    expect(link.status, link.text).toBe(200);

    // Act: the import adds the learner
    await runAsFunction(RUN_IMPORT, () =>
      membershipChanges(ports()).write([joining(2, importId, cohort.id, learner)], run),
    );

    // Assess: the cohort's sync enrolls them, as for a member added through the API
    let enrollment: { status?: string; sources?: { source: string }[] } = {};
    for (let tries = 0; tries < 100 && enrollment.status !== 'enrolled'; tries++) {
      const found = await api('GET', `/courses/${course.json.id}/enrollments/${learner}`, { token: admin });
      enrollment = found.status === 200 ? found.json : {};
      if (enrollment.status !== 'enrolled') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(enrollment).toMatchObject({ status: 'enrolled', sources: [{ source: 'cohort' }] });

    // Act: undo the membership, then the cohort
    const members = await runAsFunction(RUN_IMPORT, () =>
      membershipChanges(ports()).undo([joining(2, importId, cohort.id, learner)], run),
    );
    const kept = await runAsFunction(RUN_IMPORT, () =>
      cohortChanges(ports()).undo([creation(1, cohort)], run),
    );

    // Assess: the learner left; the cohort, linked since, stays
    expect(members).toEqual({ restored: 1, refused: [] });
    expect(kept.refused).toEqual([
      {
        line: 2,
        key: cohort.name,
        reason: 'it is linked to 1 course(s) now: left as it is (unlink it first)',
      },
    ]);
    expect((await cohortOf(admin, cohort.id)).memberCount).toBe(0);
  });
});

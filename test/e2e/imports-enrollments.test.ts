/**
 * Enrollments and historical completions imported over HTTP, as an administrator's script would: upload,
 * plan, apply, undo. The plan step and the apply and undo runs happen in the background (the upload's S3
 * event, the imports queue), so the tests poll the import.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';
import { importWhen, planOf, uploadImport } from '../support/imports.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

const upload = (file: string, body: Record<string, unknown>) =>
  uploadImport(admin, file, { fileName: 'learning.csv', format: 'lms', ...body });
const until = (id: string, statuses: readonly string[]) => importWhen(admin, id, statuses);
const plan = (id: string, action?: string) => planOf(admin, id, action);

async function course(body: Record<string, unknown>): Promise<{ id: string; title: string }> {
  const created = await api('POST', '/courses', { token: admin, body });
  expect(created.status, created.text).toBe(201);
  return created.json;
}

async function person(name: string, u: string): Promise<{ id: string; email: string; externalId: string }> {
  const created = await api('POST', '/users', {
    token: admin,
    body: {
      email: `${name}.${u}@example.com`,
      givenName: name,
      familyName: 'Learner',
      externalId: `HR-${name}-${u}`,
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.json;
}

async function enrollment(courseId: string, userId: string) {
  const found = await api('GET', `/courses/${courseId}/enrollments/${userId}`, { token: admin });
  return found.status === 200 ? found.json : undefined;
}

/** Every enrollment of the courses, as the API lists them, in a fixed order. */
async function enrollmentsOf(...courseIds: string[]) {
  const all = [];
  for (const courseId of courseIds) {
    let cursor: string | undefined;
    do {
      const page = await api(
        'GET',
        `/courses/${courseId}/enrollments?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      expect(page.status, page.text).toBe(200);
      all.push(...page.json.items);
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
  }
  return all.sort((a, b) => `${a.courseId}${a.userId}`.localeCompare(`${b.courseId}${b.userId}`));
}

/** What a record says, its version aside: undo puts a record back as it was, at a new version. */
function withoutVersion<T extends { version: number }>(records: readonly T[]) {
  return records.map(({ version: _version, ...rest }) => rest);
}

async function auditActions(target: string): Promise<string[]> {
  const trail = await api('GET', `/audit?target=${target}`, { token: admin });
  expect(trail.status, trail.text).toBe(200);
  return trail.json.items.map((record: { action: string }) => record.action);
}

describe('an enrollments file in our format: upload, plan, apply, undo', () => {
  it('plans each row (enroll, withdraw, a new due date, unchanged, errors with column and reason), applies it, and undo puts every enrollment back', async () => {
    // Prepare: two courses (one with 3 seats); Ben, Cat and Dan enrolled in Safety through the API, Cat
    // with a due date; Ann enrolled in Onboarding and withdrawn; Sue suspended
    const u = randomUUID().slice(0, 8);
    const safety = await course({ title: uniqueName('Site safety') });
    const onboarding = await course({ title: uniqueName('Onboarding'), capacity: 3 });
    const [ann, ben, cat, dan, sue] = await Promise.all(
      ['ann', 'ben', 'cat', 'dan', 'sue'].map((name) => person(name, u)),
    );
    if (!ann || !ben || !cat || !dan || !sue) throw new Error('people not created');
    const enrolled = await api('POST', `/courses/${safety.id}/enrollments`, {
      token: admin,
      body: { userIds: [ben.id, dan.id] },
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    await api('POST', `/courses/${safety.id}/enrollments`, {
      token: admin,
      body: { userIds: [cat.id], due: { from: 'fixed', at: '2027-03-31T00:00:00.000Z' } },
    });
    await api('POST', `/courses/${onboarding.id}/enrollments`, { token: admin, body: { userIds: [ann.id] } });
    await api('POST', `/courses/${onboarding.id}/enrollments/${ann.id}/withdraw`, {
      token: admin,
      body: { reason: 'Joined the wrong session' },
    });
    await api('POST', `/users/${sue.id}/suspend`, { token: admin, body: { reason: 'On leave' } });
    const before = await enrollmentsOf(safety.id, onboarding.id);
    const unknownCourse = randomUUID();
    const file = [
      'email,external_id,course_id,due_date,status',
      `${ann.email},,${safety.id},2027-06-30,active`,
      `${ben.email},,${safety.id},,withdrawn`,
      `,${cat.externalId},${safety.id},2027-09-30,`,
      `${dan.email},${dan.externalId},${safety.id},,active`,
      `${ann.email},,${onboarding.id},,`,
      `${ann.email},,${unknownCourse},,`,
      `nobody.${u}@example.com,,${safety.id},,`,
      `${dan.email},,${onboarding.id},2027-13-01,`,
      `${sue.email},,${safety.id},,`,
      `${ann.email},,${safety.id},,`,
    ].join('\n');

    // Act 1: upload, plan (withdrawals up to half of the enrollments in scope go ahead)
    const id = await upload(file, { type: 'enrollments', options: { threshold: 50 } });
    const planned = await until(id, ['planned', 'failed']);

    // Assess 1: every row accounted for, in order, with diffs and reasons
    expect(planned).toMatchObject({
      status: 'planned',
      rows: 10,
      counts: { enroll: 2, withdraw: 1, update: 1, unchanged: 1, error: 5 },
      approval: { required: false },
    });
    const entries = await plan(id);
    expect(entries.map((entry) => [entry.line, entry.action])).toEqual([
      [2, 'enroll'],
      [3, 'withdraw'],
      [4, 'update'],
      [5, 'unchanged'],
      [6, 'enroll'],
      [7, 'error'],
      [8, 'error'],
      [9, 'error'],
      [10, 'error'],
      [11, 'error'],
    ]);
    expect(entries[0]).toMatchObject({
      target: { kind: 'enrollment', id: `${safety.id}:${ann.id}`, key: `${ann.email}/${safety.id}` },
      diffs: {
        status: { from: null, to: 'enrolled' },
        dueAt: { from: null, to: '2027-06-30T00:00:00.000Z' },
      },
    });
    expect(entries[1]?.diffs).toEqual({ status: { from: 'enrolled', to: 'withdrawn' } });
    expect(entries[2]?.diffs).toEqual({
      dueAt: { from: '2027-03-31T00:00:00.000Z', to: '2027-09-30T00:00:00.000Z' },
    });
    expect(entries[4]?.diffs).toEqual({ status: { from: 'withdrawn', to: 'enrolled' } });
    expect(entries.filter((entry) => entry.action === 'error').map((entry) => entry.error)).toEqual([
      { column: 'course_id', reason: `no course with id ${unknownCourse}` },
      { column: 'email', reason: `no person with the email nobody.${u}@example.com` },
      { column: 'due_date', reason: '2027-13-01 is not a date: there is no month 13.' },
      { column: 'email', reason: `${sue.email} is suspended: reactivate them first` },
      {
        column: 'email',
        reason: `${ann.email} is in ${safety.title} on line 2 already: one row per person and course`,
      },
    ]);

    // Act 2: apply
    const applying = await api('POST', `/imports/${id}/apply`, { token: admin });
    const applied = await until(id, ['applied', 'failed']);

    // Assess 2: the enrollments are as planned, with the import as their source, audited as the API would
    expect(applying.status).toBe(202);
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 4, conflicts: 0 } });
    expect(await enrollment(safety.id, ann.id)).toMatchObject({
      status: 'enrolled',
      dueAt: '2027-06-30T00:00:00.000Z',
      sources: [{ source: 'import', reference: `import:${id}` }],
    });
    expect((await enrollment(safety.id, ben.id))?.status).toBe('withdrawn');
    expect((await enrollment(safety.id, cat.id))?.dueAt).toBe('2027-09-30T00:00:00.000Z');
    expect((await enrollment(onboarding.id, ann.id))?.status).toBe('enrolled');
    expect(await auditActions(`enrollment:${safety.id}:${ann.id}`)).toEqual(['enrollment.created']);
    expect((await auditActions(`enrollment:${safety.id}:${ben.id}`))[0]).toBe('enrollment.withdrawn');
    expect((await auditActions(`enrollment:${safety.id}:${cat.id}`))[0]).toBe('enrollment.updated');
    expect((await auditActions(`enrollment:${onboarding.id}:${ann.id}`))[0]).toBe('enrollment.reactivated');

    // Act 3: undo
    const undoing = await api('POST', `/imports/${id}/undo`, { token: admin });
    const undone = await until(id, ['undone', 'failed']);

    // Assess 3: the enrollments are those from before (Ann's new one gone), each at a new version
    expect(undoing.status).toBe(202);
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 4, refused: 0 } });
    const after = await enrollmentsOf(safety.id, onboarding.id);
    expect(withoutVersion(after)).toEqual(withoutVersion(before));
    expect(await enrollment(safety.id, ann.id)).toBeUndefined();
    expect((await auditActions(`enrollment:${safety.id}:${ann.id}`)).sort()).toEqual([
      'enrollment.created',
      'enrollment.removed',
    ]);
  });
});

describe('naming courses by their code', () => {
  it('enrolls and completes by course_code (any case), refuses an unknown code and a code that is another course than the id', async () => {
    // Prepare: two courses with codes, a learner
    const u = randomUUID().slice(0, 8);
    const fire = await course({ title: uniqueName('Fire safety'), code: `FIRE-${u}` });
    const first = await course({ title: uniqueName('First aid'), code: `AID-${u}` });
    const kai = await person('kai', u);
    const enrollments = [
      'external_id,course_code,course_id,status',
      `${kai.externalId},fire-${u},,active`,
      `${kai.externalId},NOPE-${u},,active`,
      `${kai.externalId},AID-${u},${fire.id},active`,
    ].join('\n');

    // Act
    const id = await upload(enrollments, { type: 'enrollments' });
    const planned = await until(id, ['planned', 'failed']);
    const entries = await plan(id);

    // Assess
    expect(planned).toMatchObject({ status: 'planned', counts: { enroll: 1, error: 2 } });
    expect(entries.map((entry) => [entry.line, entry.action, entry.target.id, entry.error])).toEqual([
      [2, 'enroll', `${fire.id}:${kai.id}`, undefined],
      [3, 'error', null, { column: 'course_code', reason: `no course with the code nope-${u}` }],
      [
        4,
        'error',
        null,
        { column: 'course_code', reason: `the code aid-${u} is another course's than the id ${fire.id}` },
      ],
    ]);

    // Act: a historical completion of First aid by its code
    const completions = ['email,course_code,completed_at', `${kai.email},AID-${u},2025-03-15`].join('\n');
    const completion = await upload(completions, { type: 'completions' });
    const completionPlan = await until(completion, ['planned', 'failed']);

    // Assess
    expect(completionPlan).toMatchObject({ status: 'planned', counts: { complete: 1, error: 0 } });
    expect((await plan(completion))[0]?.target.id).toBe(`${first.id}:${kai.id}`);
  });
});

describe('who may import enrollments', () => {
  it('refuses a machine client that may write people but not enrollments', async () => {
    // Prepare
    const hris = await machineToken(uniqueName('HR feed'), ['lms/users.write']);
    // Act
    const refused = await api('POST', '/imports', {
      token: hris,
      body: { type: 'completions', format: 'lms', fileName: 'history.csv', sizeBytes: 100 },
    });
    // Assess
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.detail).toBe('Importing completions needs the lms/enrollments.write scope as well.');
  });
});

describe('an enrollments sync', () => {
  it('withdraws the enrollments of the courses it names that it does not list, once approved over the threshold', async () => {
    // Prepare: four people enrolled in a course through the API; the feed lists two of them
    const u = randomUUID().slice(0, 8);
    const induction = await course({ title: uniqueName('Induction') });
    const people = await Promise.all(['ida', 'jon', 'kim', 'lou'].map((name) => person(name, u)));
    await api('POST', `/courses/${induction.id}/enrollments`, {
      token: admin,
      body: { userIds: people.map((p) => p.id) },
    });
    const feed = [
      'external_id,course_id',
      ...people.slice(0, 2).map((p) => `${p.externalId},${induction.id}`),
    ].join('\n');

    // Act 1: plan, and ask to apply without an approval
    const id = await upload(feed, { type: 'enrollments', mode: 'sync' });
    const planned = await until(id, ['planned', 'failed']);
    const waiting = await api('POST', `/imports/${id}/apply`, { token: admin });

    // Assess 1: two withdrawals of four enrollments in scope (50 %) wait for an approval
    expect(planned).toMatchObject({
      status: 'planned',
      counts: { withdraw: 2, unchanged: 2 },
      approval: { required: true },
    });
    expect(planned.approval.reason).toBe(
      '2 withdrawals of 4 enrollments in scope (50.0 %) exceed the threshold of 10 %: approve with a reason.',
    );
    expect(
      (await plan(id, 'withdraw')).map((entry) => [entry.line, entry.target.key, entry.warnings]).sort(),
    ).toEqual(
      people
        .slice(2)
        .map((p) => [0, `${p.externalId}/${induction.id}`, ['not in the feed']])
        .sort(),
    );
    expect(waiting.json.status).toBe('awaiting-approval');

    // Act 2: approve
    await api('POST', `/imports/${id}/apply`, {
      token: admin,
      body: { approve: true, reason: 'Induction cohort reduced' },
    });
    const applied = await until(id, ['applied', 'failed']);

    // Assess 2: the two it does not list are withdrawn
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 2, conflicts: 0 } });
    const statuses = await Promise.all(
      people.map(async (p) => (await enrollment(induction.id, p.id))?.status),
    );
    expect(statuses).toEqual(['enrolled', 'enrolled', 'withdrawn', 'withdrawn']);
  });
});

describe('a file of historical completions', () => {
  const file = (
    eva: { email: string },
    fay: { externalId: string },
    gil: { email: string },
    certified: string,
    plain: string,
  ) =>
    [
      'email,external_id,course_id,completed_at,score,certificate_expires_at,source_system,original_id',
      `${eva.email},,${certified},2025-03-15,92,,Moodle 3.9,mdl-101`,
      `${eva.email},,${certified},2024-03-10,88,,Moodle 3.9,mdl-057`,
      `,${fay.externalId},${certified},2025-06-01T14:30:00+02:00,,2026-12-31,Moodle 3.9,mdl-133`,
      `${gil.email},,${certified},2025-09-01,75,,,`,
      `${eva.email},,${plain},2025-01-20,,,Moodle 3.9,mdl-090`,
    ].join('\n');

  it('gives certifications whose expiry follows the completed date, and re-imported changes nothing', async () => {
    // Prepare: a certification valid a year (recertification 30 days before), a course without one; Gil
    // enrolled in the first through the API
    const u = randomUUID().slice(0, 8);
    const certified = await course({
      title: uniqueName('Forklift licence'),
      certification: { validDays: 365, recertifyDaysBefore: 30 },
    });
    const plain = await course({ title: uniqueName('Company history') });
    const [eva, fay, gil] = await Promise.all(['eva', 'fay', 'gil'].map((name) => person(name, u)));
    if (!eva || !fay || !gil) throw new Error('people not created');
    await api('POST', `/courses/${certified.id}/enrollments`, { token: admin, body: { userIds: [gil.id] } });
    const history = file(eva, fay, gil, certified.id, plain.id);

    // Act 1: upload, plan, apply
    const id = await upload(history, { type: 'completions' });
    const planned = await until(id, ['planned', 'failed']);
    const entries = await plan(id);
    await api('POST', `/imports/${id}/apply`, { token: admin });
    const applied = await until(id, ['applied', 'failed']);

    // Assess 1: the latest completion of each person and course is imported; the certification expires a
    // year after it (or when the certificate said), and recertification opens 30 days before
    expect(planned).toMatchObject({ status: 'planned', counts: { complete: 4, unchanged: 1, error: 0 } });
    expect(entries.map((entry) => [entry.line, entry.action])).toEqual([
      [2, 'complete'],
      [3, 'unchanged'],
      [4, 'complete'],
      [5, 'complete'],
      [6, 'complete'],
    ]);
    expect(entries[1]?.warnings).toEqual([
      "line 2 has this person's latest completion of this course, which is the one kept",
    ]);
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 4, conflicts: 0 } });
    expect(await enrollment(certified.id, eva.id)).toMatchObject({
      status: 'completed',
      completedAt: '2025-03-15T00:00:00.000Z',
      score: 92,
      expiresAt: '2026-03-15T00:00:00.000Z',
      recertifyAt: '2026-02-13T00:00:00.000Z',
      completionOrigin: { sourceSystem: 'Moodle 3.9', originalId: 'mdl-101' },
      sources: [{ source: 'import', reference: `import:${id}` }],
    });
    expect(await enrollment(certified.id, fay.id)).toMatchObject({
      status: 'completed',
      completedAt: '2025-06-01T12:30:00.000Z',
      expiresAt: '2026-12-31T00:00:00.000Z',
      recertifyAt: '2026-12-01T00:00:00.000Z',
    });
    expect(await enrollment(certified.id, gil.id)).toMatchObject({
      status: 'completed',
      completedAt: '2025-09-01T00:00:00.000Z',
      score: 75,
      expiresAt: '2026-09-01T00:00:00.000Z',
      recertifyAt: '2026-08-02T00:00:00.000Z',
      completionOrigin: null,
      sources: [{ source: 'manual' }],
    });
    expect(await enrollment(plain.id, eva.id)).toMatchObject({
      status: 'completed',
      completedAt: '2025-01-20T00:00:00.000Z',
      expiresAt: null,
      recertifyAt: null,
    });
    // Audited as the two requests that would make it through the API: enrolled, then completed
    expect((await auditActions(`enrollment:${certified.id}:${eva.id}`)).sort()).toEqual([
      'enrollment.completed',
      'enrollment.created',
    ]);
    expect((await auditActions(`enrollment:${certified.id}:${gil.id}`))[0]).toBe('enrollment.completed');

    // Act 2: the same history again
    const before = await enrollmentsOf(certified.id, plain.id);
    const again = await upload(history, { type: 'completions' });
    const replanned = await until(again, ['planned', 'failed']);
    await api('POST', `/imports/${again}/apply`, { token: admin });
    const reapplied = await until(again, ['applied', 'failed']);

    // Assess 2: every row unchanged, nothing written
    expect(replanned).toMatchObject({
      status: 'planned',
      rows: 5,
      counts: { unchanged: 5, complete: 0, update: 0, error: 0 },
    });
    expect(reapplied).toMatchObject({ status: 'applied', applied: { done: 0, conflicts: 0 } });
    expect(await enrollmentsOf(certified.id, plain.id)).toEqual(before);

    // Act 3: undo the first import
    await api('POST', `/imports/${id}/undo`, { token: admin });
    const undone = await until(id, ['undone', 'failed']);

    // Assess 3: the completions it imported are gone: Eva's enrollments with them, Gil's back to enrolled
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 4, refused: 0 } });
    expect(await enrollment(certified.id, eva.id)).toBeUndefined();
    expect(await enrollment(plain.id, eva.id)).toBeUndefined();
    expect(await enrollment(certified.id, gil.id)).toMatchObject({
      status: 'enrolled',
      completedAt: null,
      expiresAt: null,
      score: null,
    });
  });

  it('refuses an unknown course, an unknown person, a bad or future date, and an expiry for a course without certification, each with its line, column and reason', async () => {
    // Prepare
    const u = randomUUID().slice(0, 8);
    const plain = await course({ title: uniqueName('Company values') });
    const hal = await person('hal', u);
    const unknownCourse = randomUUID();
    const file = [
      'email,external_id,course_id,completed_at,score,certificate_expires_at',
      `${hal.email},,${unknownCourse},2025-03-15,,`,
      `,HR-nobody-${u},${plain.id},2025-03-15,,`,
      `${hal.email},,${plain.id},15/03/2025,,`,
      `${hal.email},,${plain.id},2099-01-01,,`,
      `${hal.email},,${plain.id},2025-03-15,,2026-03-15`,
      `${hal.email},,${plain.id},2025-03-15,101,`,
    ].join('\n');

    // Act
    const id = await upload(file, { type: 'completions' });
    const planned = await until(id, ['planned', 'failed']);
    const errors = await plan(id, 'error');

    // Assess
    expect(planned).toMatchObject({ status: 'planned', counts: { error: 6, complete: 0 } });
    expect(errors.map((entry) => [entry.line, entry.error])).toEqual([
      [2, { column: 'course_id', reason: `no course with id ${unknownCourse}` }],
      [3, { column: 'external_id', reason: `no person with the external id HR-nobody-${u}` }],
      [
        4,
        {
          column: 'completed_at',
          reason: '15/03/2025 is not a date: expected year/month/day like 2025/12/31.',
        },
      ],
      [5, { column: 'completed_at', reason: '2099-01-01 is in the future: a completion has happened' }],
      [
        6,
        {
          column: 'certificate_expires_at',
          reason: `${plain.title} gives no certification: give the course one first, or leave the expiry out`,
        },
      ],
      [7, { column: 'score', reason: '"101" is not a score from 0 to 100' }],
    ]);
  });
});

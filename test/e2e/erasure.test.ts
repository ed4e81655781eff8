/**
 * Erasure over HTTP: a person with learning records is erased; their profile is anonymised, their login is
 * gone, the next analytics export holds no trace of them, and the compliance report counts the same. Legal hold, a wrong confirmation, a second erasure and the
 * last active administrator are refused and change nothing.
 */
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient, dynamoDb } from '../../shared/clients.ts';
import { DynamoAdminSeats } from '../../shared/store/admin-seats.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { exportNow } from '../support/analytics-export.ts';
import { api, freshTokenFor, tokenFor, userIdByEmail } from '../support/http.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

/** A person with a profile in `departmentId` and a login with these groups, signed in once (linked). */
async function signedInPerson(departmentId: string | null, groups: ('admin' | 'learner')[] = ['learner']) {
  const email = uniqueEmail('erasure');
  const created = await api('POST', '/users', {
    token: admin,
    body: {
      email,
      givenName: 'Erin',
      familyName: 'Rasmussen',
      departmentId,
      jobTitle: 'Forklift driver',
      externalId: `HR-${email.split('@')[0]}`,
    },
  });
  expect(created.status, created.text).toBe(201);
  await ensureCognitoUser(cognitoClient(), readLocalEnvironment().resources, {
    email,
    password: DEMO_PASSWORD,
    groups,
  });
  return { id: created.json.id as string, email, token: await freshTokenFor(email) };
}

/** The compliance report of a department as counts per status. */
async function complianceCounts(departmentId: string): Promise<Record<string, number>> {
  const report = await api('GET', `/compliance?departmentId=${departmentId}&limit=100`, { token: admin });
  expect(report.status, report.text).toBe(200);
  const counts: Record<string, number> = {};
  for (const row of report.json.items as { status: string }[])
    counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

describe('erasure over HTTP', () => {
  it('anonymises a person with a completed compliance course, deletes their login, and keeps the compliance counts', async () => {
    // Prepare: a department, a certifying course, two people enrolled with a due date; one completes it
    const department = await api('POST', '/departments', {
      token: admin,
      body: { name: uniqueName('Warehouse') },
    });
    const course = await api('POST', '/courses', {
      token: admin,
      body: {
        title: uniqueName('Forklift safety'),
        certification: { validDays: 365, recertifyDaysBefore: 30 },
      },
    });
    expect((await api('POST', `/courses/${course.json.id}/publish`, { token: admin })).status).toBe(200);
    const person = await signedInPerson(department.json.id);
    const colleague = await signedInPerson(department.json.id);
    const enrolled = await api('POST', `/courses/${course.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [person.id, colleague.id], due: { from: 'enrollment', days: 30 } },
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    const completed = await api('POST', `/courses/${course.json.id}/enrollments/${person.id}/complete`, {
      token: admin,
      body: { reason: 'Passed the practical test', score: 88 },
    });
    expect(completed.json.status).toBe('completed');
    expect(await complianceCounts(department.json.id)).toEqual({ compliant: 1, pending: 1 });

    // Act
    const erased = await api('POST', `/users/${person.id}/erase`, {
      token: admin,
      body: { confirm: `erase ${person.email}` },
    });

    // Assess: the profile is anonymised, the learning records stay under the id
    expect(erased.status, erased.text).toBe(200);
    expect(erased.json).toMatchObject({ login: 'deleted' });
    const profile = await api('GET', `/users/${person.id}`, { token: admin });
    expect(profile.json).toMatchObject({
      id: person.id,
      email: `erased-${person.id}@erased.invalid`,
      givenName: 'Erased',
      familyName: 'person',
      jobTitle: null,
      externalId: null,
      linkedLogin: null,
      status: 'suspended',
      departmentId: department.json.id,
    });
    expect(Date.now() - Date.parse(profile.json.erasedAt)).toBeLessThan(60_000);
    // ... their email and external id are free again
    expect(
      (await api('GET', `/users?email=${encodeURIComponent(person.email)}`, { token: admin })).json.items,
    ).toEqual([]);
    // ... their login is gone, and signing in fails
    const { resources } = readLocalEnvironment();
    await expect(
      cognitoClient().send(
        new AdminGetUserCommand({ UserPoolId: resources.userPoolId, Username: person.email }),
      ),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    await expect(freshTokenFor(person.email)).rejects.toThrow();
    // ... compliance counts the same, without the identity
    expect(await complianceCounts(department.json.id)).toEqual({ compliant: 1, pending: 1 });
    const rows = (await api('GET', `/compliance?departmentId=${department.json.id}`, { token: admin })).json
      .items;
    expect(rows.find((row: { userId: string }) => row.userId === person.id)).toMatchObject({
      name: 'Erased person',
      email: `erased-${person.id}@erased.invalid`,
      status: 'compliant',
    });
    const enrollment = await api('GET', `/courses/${course.json.id}/enrollments/${person.id}`, {
      token: admin,
    });
    expect(enrollment.json).toMatchObject({ status: 'completed', score: 88 });
    // ... their audit trail no longer holds their profile, and the erasure's own record holds only the id
    const audit = await api('GET', `/audit?target=user:${person.id}&limit=100`, { token: admin });
    expect(audit.json.items[0]).toMatchObject({ action: 'user.erased', before: null });
    expect(Object.keys(audit.json.items[0].after).sort()).toEqual(['byPolicy', 'erasedAt', 'id']);
    const created = audit.json.items.find((record: { action: string }) => record.action === 'user.created');
    expect(created.after).toMatchObject({ id: person.id, email: '[erased]', givenName: '[erased]' });
    expect(audit.text).not.toContain(person.email);
    expect(audit.text).not.toContain('Rasmussen');
    // ... and the analytics export run after the erasure holds no trace of them: no people row, no id, email
    // or external id in any file (their name is their colleague's too: the people rows are checked instead);
    // their completion is still counted, without them
    const exported = await exportNow(admin);
    const everything = JSON.stringify(exported.rows) + exported.manifestText;
    for (const trace of [person.id, person.email, `HR-${person.email.split('@')[0]}`])
      expect(everything, trace).not.toContain(trace);
    const peopleOfDepartment = (exported.rows.people ?? []).filter(
      (row) => row.department_id === department.json.id,
    );
    expect(peopleOfDepartment).toEqual([
      expect.objectContaining({ user_id: colleague.id, email: colleague.email, family_name: 'Rasmussen' }),
    ]);
    const completionsOfCourse = (exported.rows.completions ?? []).filter(
      (row) => row.course_id === course.json.id,
    );
    expect(completionsOfCourse).toEqual([expect.objectContaining({ user_id: null, score: 88 })]);
    const enrollmentsOfCourse = (exported.rows.enrollments ?? []).filter(
      (row) => row.course_id === course.json.id,
    );
    expect(enrollmentsOfCourse.map((row) => row.user_id).sort()).toEqual([colleague.id, null].sort());

    // Act 2: erasing them again; changing the erased profile
    const again = await api('POST', `/users/${person.id}/erase`, {
      token: admin,
      body: { confirm: `erase erased-${person.id}@erased.invalid` },
    });
    const reactivate = await api('POST', `/users/${person.id}/reactivate`, { token: admin });
    // Assess 2
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain('already erased');
    expect(reactivate.status).toBe(409);
  });

  it('refuses erasure under legal hold, with a wrong confirmation, and of the last active administrator: nothing changes', async () => {
    // Prepare
    const person = await signedInPerson(null);
    const hold = await api('PUT', `/users/${person.id}/legal-hold`, {
      token: admin,
      body: { reason: 'Litigation 2025-17' },
    });
    expect(hold.status, hold.text).toBe(200);
    expect(hold.json.legalHold).toMatchObject({ reason: 'Litigation 2025-17' });

    // Act: under legal hold
    const held = await api('POST', `/users/${person.id}/erase`, {
      token: admin,
      body: { confirm: `erase ${person.email}` },
    });
    // Assess: refused, naming the hold's reason; nothing changed
    expect(held.status).toBe(409);
    expect(held.json.detail).toContain('Litigation 2025-17');
    expect(held.json.errors).toEqual([{ path: 'legalHold', message: 'Litigation 2025-17' }]);
    const unchanged = await api('GET', `/users/${person.id}`, { token: admin });
    expect(unchanged.json).toMatchObject({
      email: person.email,
      givenName: 'Erin',
      version: hold.json.version,
    });
    expect(await freshTokenFor(person.email)).toBeTruthy();

    // Act: the hold released, then a confirmation that does not name them, then a missing one
    const released = await api('DELETE', `/users/${person.id}/legal-hold`, { token: admin });
    const wrong = await api('POST', `/users/${person.id}/erase`, {
      token: admin,
      body: { confirm: 'erase someone@example.com' },
    });
    const missing = await api('POST', `/users/${person.id}/erase`, { token: admin, body: {} });
    // Assess
    expect(released.status).toBe(200);
    expect(released.json.legalHold).toBeNull();
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors).toEqual([expect.objectContaining({ path: 'body.confirm' })]);
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([expect.objectContaining({ path: 'body.confirm' })]);
    const still = await api('GET', `/users/${person.id}`, { token: admin });
    expect(still.json).toMatchObject({ email: person.email, version: released.json.version });
    expect(still.json.erasedAt ?? null).toBeNull();
    expect(await freshTokenFor(person.email)).toBeTruthy();

    // Prepare: a deputy with the admin group but no admin seat; every other seat holder demoted
    const deputy = await signedInPerson(null, ['admin']);
    const adminId = await userIdByEmail('admin@example.com');
    const seats = new DynamoAdminSeats(dynamoDb(), readLocalEnvironment().resources.tableName);
    for (const holder of await seats.holders()) {
      if (holder === adminId) continue;
      const demoted = await api('PUT', `/users/${holder}/roles`, {
        token: admin,
        body: { roles: ['learner'], reason: 'Test: only the seeded admin stays' },
      });
      expect(demoted.status).toBe(200);
    }
    // Act: the deputy erases the last active administrator
    const lastAdmin = await api('POST', `/users/${adminId}/erase`, {
      token: deputy.token,
      body: { confirm: 'erase admin@example.com' },
    });
    // Assess: refused; the administrator keeps their profile and login
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.json.detail).toContain('is the last active administrator');
    expect((await api('GET', `/users/${adminId}`, { token: admin })).json).toMatchObject({
      email: 'admin@example.com',
      status: 'active',
    });
    expect(await freshTokenFor('admin@example.com')).toBeTruthy();
  });

  it('reads and changes the retention policy: If-Match, named fields, sign-in history read-only', async () => {
    // Act
    const read = await api('GET', '/settings/data-lifecycle', { token: admin });
    const etag = read.headers.get('etag') ?? '';
    const badDays = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      headers: { 'if-match': etag },
      body: { archiveContentAfterDays: 0, eraseSuspendedAfterDays: null, auditRetentionYears: 7 },
    });
    const badYears = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      headers: { 'if-match': etag },
      body: { archiveContentAfterDays: 90, eraseSuspendedAfterDays: null, auditRetentionYears: 0 },
    });
    const signIns = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      headers: { 'if-match': etag },
      body: {
        archiveContentAfterDays: 90,
        eraseSuspendedAfterDays: null,
        auditRetentionYears: 7,
        signInHistoryDays: 30,
      },
    });
    const noIfMatch = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      body: { archiveContentAfterDays: 90, eraseSuspendedAfterDays: null, auditRetentionYears: 7 },
    });
    const asLearner = await api('GET', '/settings/data-lifecycle', {
      token: await tokenFor('learner@example.com'),
    });
    const unchanged = await api('GET', '/settings/data-lifecycle', { token: admin });
    // Assess
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ signInHistoryDays: 90 });
    expect(badDays.status).toBe(400);
    expect(badDays.json.errors).toEqual([expect.objectContaining({ path: 'body.archiveContentAfterDays' })]);
    expect(badYears.status).toBe(400);
    expect(badYears.json.errors).toEqual([expect.objectContaining({ path: 'body.auditRetentionYears' })]);
    expect(signIns.status).toBe(422);
    expect(signIns.json.errors).toEqual([{ path: 'body.signInHistoryDays', message: 'read-only: 90' }]);
    expect(noIfMatch.status).toBe(428);
    expect(asLearner.status).toBe(403);
    expect(unchanged.json).toEqual(read.json);

    // Act: a valid change, then a stale one
    const changed = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      headers: { 'if-match': etag },
      body: {
        archiveContentAfterDays: read.json.archiveContentAfterDays,
        eraseSuspendedAfterDays: read.json.eraseSuspendedAfterDays,
        auditRetentionYears: read.json.auditRetentionYears + 1,
        signInHistoryDays: 90,
      },
    });
    const stale = await api('PUT', '/settings/data-lifecycle', {
      token: admin,
      headers: { 'if-match': etag },
      body: { archiveContentAfterDays: 30, eraseSuspendedAfterDays: null, auditRetentionYears: 7 },
    });
    // Assess
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({
      auditRetentionYears: read.json.auditRetentionYears + 1,
      version: read.json.version + 1,
    });
    expect(stale.status).toBe(412);
    const audit = await api('GET', '/audit?target=settings:data-lifecycle', { token: admin });
    expect(audit.json.items[0]).toMatchObject({
      action: 'settings.updated',
      after: { auditRetentionYears: read.json.auditRetentionYears + 1 },
    });
  });
});

/**
 * Trust, over HTTP as an attacker and a security reviewer would try it: identity is the login's `sub` (never
 * its email), tokens are checked for what they are, nobody locks the organisation out, and a record about
 * oneself that decides compliance is changed by someone else.
 */
import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCognitoUser, signIn } from '../../infra/local/cognito.ts';
import { cognitoIssuer } from '../../infra/local/issuer.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient, dynamoDb } from '../../shared/clients.ts';
import { DynamoAdminSeats } from '../../shared/store/admin-seats.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, freshTokenFor, machineToken, tokenFor, userIdByEmail } from '../support/http.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

/** A person with a profile (POST /users) and a login with these role groups; their first token links them. */
async function signedInPerson(groups: ('admin' | 'manager' | 'instructor' | 'learner')[], body = {}) {
  const email = uniqueEmail('trust');
  const created = await api('POST', '/users', {
    token: admin,
    body: { email, givenName: 'Tru', familyName: 'St', ...body },
  });
  expect(created.status).toBe(201);
  const login = await ensureCognitoUser(cognitoClient(), readLocalEnvironment().resources, {
    email,
    password: DEMO_PASSWORD,
    groups,
  });
  return { id: created.json.id as string, email, login, token: await freshTokenFor(email) };
}

describe('identity is the login, not the email in its token', () => {
  it("a manager whose login's email is changed to another manager's still sees only their own department", async () => {
    // Prepare: a second manager, of a department of their own with one person in it
    const ops = await api('POST', '/departments', { token: admin, body: { name: uniqueName('Ops') } });
    const mallory = await signedInPerson(['manager'], { departmentId: ops.json.id });
    await api('PATCH', `/departments/${ops.json.id}`, {
      token: admin,
      body: { managerId: mallory.id },
      headers: { 'if-match': `"${ops.json.version}"` },
    });
    const worker = await api('POST', '/users', {
      token: admin,
      body: { email: uniqueEmail('ops'), givenName: 'O', familyName: 'P', departmentId: ops.json.id },
    });
    const before = await api('GET', '/users?limit=100', { token: await freshTokenFor(mallory.email) });

    // Act: the IdP (or Mallory at her profile) now says her email is the Sales manager's
    await cognitoClient().send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: readLocalEnvironment().resources.userPoolId,
        Username: mallory.login.username,
        UserAttributes: [
          { Name: 'email', Value: 'manager@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    // She signs in with her own user name and password: Cognito issues a token with the new email in it
    const { endpoints, resources } = readLocalEnvironment();
    const asMallory = (await signIn(endpoints, resources, mallory.login.username, DEMO_PASSWORD)).idToken;
    const claims = JSON.parse(Buffer.from(asMallory.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const after = await api('GET', '/users?limit=100', { token: asMallory });
    const sales = await api('GET', `/users/${await userIdByEmail('sam.seller@example.com')}`, {
      token: asMallory,
    });

    // Assess: the same people as before, none of Sales; the email moved nothing in the LMS
    const ids = (page: { json: { items: { id: string }[] } }) => page.json.items.map((u) => u.id).sort();
    expect(before.status).toBe(200);
    expect(ids(before)).toEqual([mallory.id, worker.json.id].sort());
    expect(after.status).toBe(200);
    expect(ids(after)).toEqual(ids(before));
    expect(sales.status).toBe(403);
    const profile = await api('GET', `/users/${mallory.id}`, { token: admin });
    expect(profile.json.email).toBe(mallory.email);
    expect(claims).toMatchObject({ email: 'manager@example.com', lms_user_id: mallory.id });
  });

  it('gives a login that no profile is linked to no access at all, with a clear 403, whatever its groups', async () => {
    // Prepare: an admin-group login nobody created a profile for
    const email = uniqueEmail('stray');
    await ensureCognitoUser(cognitoClient(), readLocalEnvironment().resources, {
      email,
      password: DEMO_PASSWORD,
      groups: ['admin'],
    });

    // Act
    const response = await api('GET', '/users', { token: await freshTokenFor(email) });

    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.detail).toContain('not linked to an LMS profile');
  });

  it('refuses a suspended person at once, even with a token issued before the suspension', async () => {
    // Prepare
    const person = await signedInPerson(['learner']);
    expect((await api('GET', `/users/${person.id}`, { token: person.token })).status).toBe(200);

    // Act
    const suspended = await api('POST', `/users/${person.id}/suspend`, {
      token: admin,
      body: { reason: 'Left the company' },
    });
    const response = await api('GET', `/users/${person.id}`, { token: person.token });

    // Assess
    expect(suspended.status).toBe(200);
    expect(response.status).toBe(403);
    expect(response.json.detail).toContain('suspended');
  });
});

/** cognito-local signs every pool's tokens with the key shipped in its package: so can an attacker here. */
function cognitoLocalKey(): KeyObject {
  const path = createRequire(import.meta.url).resolve('cognito-local/lib/keys/cognitoLocal.private.json');
  return createPrivateKey({ key: JSON.parse(readFileSync(path, 'utf8')).jwk, format: 'jwk' });
}

function token(claims: Record<string, unknown>, key: KeyObject, kid = 'CognitoLocal'): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

describe('tokens are refused for what they are', () => {
  it.each([
    ['forged (signed with another key)', { exp: 600 }, 'other'],
    ['expired', { exp: -60 }, 'cognito'],
    ['without exp', { exp: undefined }, 'cognito'],
    ['of another app client (wrong audience)', { exp: 600, aud: 'someone-elses-client' }, 'cognito'],
  ] as const)(
    'answers 401 to a token %s, as problem+json, and changes nothing',
    async (_name, shape, signer) => {
      // Prepare: an admin's claims, signed as described
      const { resources, endpoints } = readLocalEnvironment();
      const now = Math.floor(Date.now() / 1000);
      const adminId = await userIdByEmail('admin@example.com');
      const key =
        signer === 'other'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
          : cognitoLocalKey();
      const claims = {
        iss: cognitoIssuer(endpoints, resources),
        aud: 'aud' in shape ? shape.aud : resources.userPoolClientId,
        token_use: 'id',
        sub: randomUUID(),
        email: 'admin@example.com',
        'cognito:groups': ['admin'],
        iat: now - 120,
        exp: shape.exp === undefined ? undefined : now + shape.exp,
      };

      // Act
      const response = await api('POST', '/departments', {
        token: token(claims, key),
        body: { name: uniqueName('Forged') },
      });

      // Assess
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await api('GET', `/users/${adminId}`, { token: admin })).status).toBe(200);
    },
  );
});

describe('nobody locks the organisation out', () => {
  const seats = () => new DynamoAdminSeats(dynamoDb(), process.env.TABLE_NAME ?? '');

  it('refuses an admin suspending or demoting themselves with 409, changing nothing', async () => {
    // Prepare
    const adminId = await userIdByEmail('admin@example.com');

    // Act
    const suspend = await api('POST', `/users/${adminId}/suspend`, {
      token: admin,
      body: { reason: 'Oops' },
    });
    const demote = await api('PUT', `/users/${adminId}/roles`, {
      token: admin,
      body: { roles: ['learner'], reason: 'Oops' },
    });

    // Assess
    expect(suspend.status).toBe(409);
    expect(suspend.json.detail).toBe('You cannot suspend yourself; ask another administrator.');
    expect(demote.status).toBe(409);
    expect((await api('GET', `/users/${adminId}`, { token: admin })).json.status).toBe('active');
    expect((await api('GET', `/users/${adminId}/access`, { token: admin })).json.roles).toEqual(['admin']);
  });

  it('refuses to suspend the last active administrator through any door (here a machine client), 409', async () => {
    // Prepare: whoever else holds admin seats (other tests' people) is demoted, so the seeded admin is the last
    const adminId = await userIdByEmail('admin@example.com');
    for (const holder of await seats().holders()) {
      if (holder === adminId) continue;
      const demoted = await api('PUT', `/users/${holder}/roles`, {
        token: admin,
        body: { roles: ['learner'], reason: 'Test: only the seeded admin stays' },
      });
      expect(demoted.status).toBe(200);
    }
    const hris = await machineToken(`HR sync ${randomUUID().slice(0, 8)}`, [
      'lms/users.write',
      'lms/users.read',
    ]);

    // Act
    const suspend = await api('POST', `/users/${adminId}/suspend`, { token: hris, body: { reason: 'Left' } });
    // A second admin makes it possible, and demoting them again is fine while the first remains
    const second = await signedInPerson(['learner']);
    const grant = await api('PUT', `/users/${second.id}/roles`, {
      token: admin,
      body: { roles: ['admin'], reason: 'Deputy' },
    });
    const demoteSecond = await api('PUT', `/users/${second.id}/roles`, {
      token: admin,
      body: { roles: ['learner'], reason: 'Deputy no more' },
    });

    // Assess
    expect(suspend.status).toBe(409);
    expect(suspend.json.detail).toContain('is the last active administrator');
    expect((await api('GET', `/users/${adminId}`, { token: admin })).json.status).toBe('active');
    expect(grant.status).toBe(200);
    expect(demoteSecond.status).toBe(200);
    expect(await seats().holders()).toEqual([adminId]);
  });
});

describe('separation of duties', () => {
  it("refuses a manager changing their own enrollment's due date, and an owner completing their own", async () => {
    // Prepare: the Sales manager enrolled with a due date; an instructor enrolled in a course they own
    const managerId = await userIdByEmail('manager@example.com');
    const instructorId = await userIdByEmail('instructor@example.com');
    const instructor = await tokenFor('instructor@example.com');
    const required = await api('POST', '/courses', { token: admin, body: { title: uniqueName('Ethics') } });
    await api('POST', `/courses/${required.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [managerId], due: { from: 'enrollment', days: 30 } },
    });
    const owned = await api('POST', '/courses', {
      token: instructor,
      body: { title: uniqueName('Forklift') },
    });
    await api('POST', `/courses/${owned.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [instructorId] },
    });
    const enrollment = await api('GET', `/courses/${required.json.id}/enrollments/${managerId}`, {
      token: admin,
    });

    // Act
    const postpone = await api('PATCH', `/courses/${required.json.id}/enrollments/${managerId}`, {
      token: await tokenFor('manager@example.com'),
      body: { dueAt: null, reason: 'Busy' },
      headers: { 'if-match': enrollment.headers.get('etag') ?? '' },
    });
    const complete = await api('POST', `/courses/${owned.json.id}/enrollments/${instructorId}/complete`, {
      token: instructor,
      body: { reason: 'I know it' },
    });

    // Assess
    expect(postpone.status).toBe(403);
    expect(postpone.json.detail).toContain(
      'Only an administrator may change the due date of your own enrollment',
    );
    expect(complete.status).toBe(403);
    const after = await api('GET', `/courses/${required.json.id}/enrollments/${managerId}`, { token: admin });
    expect(after.json.dueAt).toBe(enrollment.json.dueAt);
    const ownAfter = await api('GET', `/courses/${owned.json.id}/enrollments/${instructorId}`, {
      token: admin,
    });
    expect(ownAfter.json.status).toBe('enrolled');
  });

  it('explains nothing of a draft to a learner, and shows cohort rules to admins only', async () => {
    // Prepare: a draft course; a rule cohort of Sales linked to a published course
    const learner = await tokenFor('learner@example.com');
    const learnerId = await userIdByEmail('learner@example.com');
    const draft = await api('POST', '/courses', { token: admin, body: { title: uniqueName('Unreleased') } });
    const sales = (await api('GET', '/departments?limit=100', { token: admin })).json.items.find(
      (d: { name: string }) => d.name === 'Sales',
    ).id;
    const samId = await userIdByEmail('sam.seller@example.com');
    const cohort = await api('POST', '/cohorts', {
      token: admin,
      body: {
        name: uniqueName('Sales rule'),
        kind: 'rule',
        rule: { type: 'department', departmentId: sales },
      },
    });
    const course = await api('POST', '/courses', { token: admin, body: { title: uniqueName('Pipeline') } });
    expect((await api('POST', `/courses/${course.json.id}/publish`, { token: admin })).status).toBe(200);
    await api('POST', `/cohorts/${cohort.json.id}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'withdraw' },
    });

    // Act
    const ofDraft = await api('GET', `/users/${learnerId}/enrollments/${draft.json.id}/explain`, {
      token: learner,
    });
    const path = `/users/${samId}/enrollments/${course.json.id}/explain`;
    const asManager = await api('GET', path, { token: await tokenFor('manager@example.com') });
    const asAdmin = await api('GET', path, { token: admin });

    // Assess
    expect(ofDraft.status).toBe(404);
    expect(asManager.status).toBe(200);
    expect(asManager.json.cohorts).toEqual([
      expect.objectContaining({ cohortId: cohort.json.id, rule: null }),
    ]);
    expect(asAdmin.json.cohorts).toEqual([
      expect.objectContaining({
        cohortId: cohort.json.id,
        rule: { type: 'department', departmentId: sales },
      }),
    ]);
  });
});

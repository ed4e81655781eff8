/** Roles and access troubleshooting over HTTP: a role given through the API is in the person's next token. */
import { SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient } from '../../shared/clients.ts';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, freshTokenFor, tokenFor, userIdByEmail } from '../support/http.ts';

describe('roles and access over HTTP', () => {
  it('gives a learner the instructor role: their next token carries it and lets them create a course', async () => {
    // Prepare: a person with a learner login
    const admin = await tokenFor('admin@example.com');
    const email = uniqueEmail('trainer');
    const created = await api('POST', '/users', {
      token: admin,
      body: { email, givenName: 'Tia', familyName: 'Trainer' },
    });
    const { resources } = readLocalEnvironment();
    await ensureCognitoUser(cognitoClient(), resources, {
      email,
      password: DEMO_PASSWORD,
      groups: ['learner'],
    });
    const asLearner = await freshTokenFor(email);
    expect(
      (await api('POST', '/courses', { token: asLearner, body: { title: uniqueName('Mine') } })).status,
    ).toBe(403);

    // Act
    const bad = await api('PUT', `/users/${created.json.id}/roles`, {
      token: admin,
      body: { roles: ['superuser'], reason: 'typo' },
    });
    const changed = await api('PUT', `/users/${created.json.id}/roles`, {
      token: admin,
      body: { roles: ['learner', 'instructor'], reason: 'Leads the safety sessions' },
    });

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'body.roles.0' })]);
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      roles: ['instructor', 'learner'],
      added: ['instructor'],
      removed: [],
    });
    const asInstructor = await freshTokenFor(email);
    const course = await api('POST', '/courses', {
      token: asInstructor,
      body: { title: uniqueName('Mine') },
    });
    expect(course.status).toBe(201);
    const access = await api('GET', `/users/${created.json.id}/access?courseId=${course.json.id}`, {
      token: admin,
    });
    expect(access.status).toBe(200);
    expect(access.json).toMatchObject({
      canSignIn: true,
      roles: ['instructor', 'learner'],
      lmsStatus: 'active',
    });
    expect(access.json.course).toMatchObject({ courseId: course.json.id, enrolled: false });
    const audit = await api('GET', `/audit?target=user:${created.json.id}`, { token: admin });
    expect(audit.json.items[0]).toMatchObject({ action: 'user.roles-changed' });

    // Act: the role taken away again
    const reverted = await api('PUT', `/users/${created.json.id}/roles`, {
      token: admin,
      body: { roles: ['learner'], reason: 'Sessions handed over' },
    });

    // Assess: their next token no longer lets them create a course
    expect(reverted.status).toBe(200);
    expect(reverted.json).toMatchObject({ roles: ['learner'], added: [], removed: ['instructor'] });
    const asLearnerAgain = await freshTokenFor(email);
    expect(
      (await api('POST', '/courses', { token: asLearnerAgain, body: { title: uniqueName('Mine') } })).status,
    ).toBe(403);
  });

  it('puts the LMS claims in a seeded user’s token, records their sign-ins, and refuses a suspended profile', async () => {
    // Act: a fresh sign-in (cognito-local runs the pre-token and post-authentication triggers)
    const learnerId = await userIdByEmail('learner@example.com');
    const token = await freshTokenFor('learner@example.com');
    // Assess: the LMS claims
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ lms_user_id: learnerId, email: 'learner@example.com' });
    expect(typeof claims.lms_department_id).toBe('string');
    // ... and the sign-in in the person's history
    const admin = await tokenFor('admin@example.com');
    const access = await api('GET', `/users/${learnerId}/access`, { token: admin });
    expect(access.json.lastSignIns[0]).toMatchObject({ userId: learnerId });
    expect(Date.now() - Date.parse(access.json.lastSignIns[0].at)).toBeLessThan(60_000);

    // A suspended LMS profile gets no token at all
    const email = uniqueEmail('leaver');
    const created = await api('POST', '/users', {
      token: admin,
      body: { email, givenName: 'Lee', familyName: 'Ver' },
    });
    const { resources } = readLocalEnvironment();
    await ensureCognitoUser(cognitoClient(), resources, {
      email,
      password: DEMO_PASSWORD,
      groups: ['learner'],
    });
    expect(await freshTokenFor(email)).toBeTruthy();
    await api('POST', `/users/${created.json.id}/suspend`, {
      token: admin,
      body: { reason: 'Left the company' },
    });
    await expect(freshTokenFor(email)).rejects.toThrow(/suspended/);
    // ... and the refusal is in their history, after the sign-in that succeeded
    const refused = await api('GET', `/users/${created.json.id}/access`, { token: admin });
    expect(refused.json.lastSignIns.map((signIn: { outcome: string }) => signIn.outcome)).toEqual([
      'refused',
      'succeeded',
    ]);
    expect(refused.json.lastSignIns[0]).toMatchObject({ reason: 'suspended', method: 'password' });

    // ... and no new login either: the pre sign-up trigger refuses it (cognito-local runs it on SignUp only)
    const other = uniqueEmail('gone');
    const profile = await api('POST', '/users', {
      token: admin,
      body: { email: other, givenName: 'Al', familyName: 'Gone' },
    });
    await api('POST', `/users/${profile.json.id}/suspend`, {
      token: admin,
      body: { reason: 'Contract ended' },
    });
    await expect(
      cognitoClient().send(
        new SignUpCommand({ ClientId: resources.userPoolClientId, Username: other, Password: DEMO_PASSWORD }),
      ),
    ).rejects.toThrow(/suspended/);
  });

  it('says when an admin has no authenticator app (TOTP), which admin MFA needs in AWS', async () => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const adminId = await userIdByEmail('admin@example.com');
    const learnerId = await userIdByEmail('learner@example.com');

    // Act
    const adminReport = await api('GET', `/users/${adminId}/access`, { token: admin });
    const learnerReport = await api('GET', `/users/${learnerId}/access`, { token: admin });

    // Assess: cognito-local has no TOTP, so the seeded admin has none; a learner is never asked for it
    expect(adminReport.json.login.mfa).toEqual([]);
    expect(adminReport.json.reasons.join(' ')).toContain('no authenticator app (TOTP)');
    expect(learnerReport.json.reasons.join(' ')).not.toContain('authenticator');
  });

  it('lets a manager troubleshoot their own people only', async () => {
    const manager = await tokenFor('manager@example.com');
    const seller = await userIdByEmail('sam.seller@example.com');
    const learner = await userIdByEmail('learner@example.com');
    const theirs = await api('GET', `/users/${seller}/access`, { token: manager });
    expect(theirs.status).toBe(200);
    expect(theirs.json.reasons.length).toBeGreaterThan(0);
    expect((await api('GET', `/users/${learner}/access`, { token: manager })).status).toBe(403);
  });
});

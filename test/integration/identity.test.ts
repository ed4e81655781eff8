/** Roles and login troubleshooting against cognito-local and DynamoDB Local. */
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { cognitoClient } from '../../shared/clients.ts';
import { BusinessRuleError, ConflictError } from '../../shared/domain/errors.ts';
import { identityPorts } from '../../shared/store/identity-wiring.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { accessReport, setUserRoles } from '../../shared/use-cases/identity.ts';
import { createUser, suspendUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail } from '../support/actors.ts';

const ports = identityPorts();
const people = organisationPorts();
const admin = actor(['admin'], 'admin@example.com');
const pool = () => ({ userPoolId: process.env.USER_POOL_ID ?? '' });

/** An LMS profile, and (unless `login: false`) its sign-in account with these role groups. */
async function person(options: { login?: boolean; groups?: ('admin' | 'learner' | 'instructor')[] } = {}) {
  const email = uniqueEmail('login');
  const user = await createUser(people, admin, { email, givenName: 'Lo', familyName: 'Gin' });
  if (options.login !== false)
    await ensureCognitoUser(cognitoClient(), pool(), {
      email,
      password: 'Test-Passw0rd!',
      groups: options.groups ?? ['learner'],
    });
  return user;
}

describe('roles and access, against cognito-local', () => {
  it('sets a login’s role groups, audited, and reports them', async () => {
    const user = await person();
    const result = await setUserRoles(ports, admin, user.id, {
      roles: ['instructor', 'learner'],
      reason: 'Runs the forklift sessions',
    });
    expect(result).toEqual({
      userId: user.id,
      roles: ['instructor', 'learner'],
      added: ['instructor'],
      removed: [],
    });
    expect((await ports.directory.login(user.email))?.groups).toEqual(['instructor', 'learner']);
    const trail = await people.audit.list(`user:${user.id}`, { limit: 10 });
    expect(trail.items[0]).toMatchObject({
      action: 'user.roles-changed',
      before: { roles: ['learner'] },
      after: { roles: ['instructor', 'learner'], reason: 'Runs the forklift sessions' },
    });
    const report = await accessReport(ports, admin, user.id, undefined);
    expect(report).toMatchObject({ canSignIn: true, roles: ['instructor', 'learner'], lmsStatus: 'active' });
    expect(report.reasons).toEqual([
      'Nothing stands in the way: the person can sign in.',
      'No sign-in recorded in the last 90 days.',
    ]);
    expect(report.login).toMatchObject({ status: 'CONFIRMED', enabled: true, emailVerified: true });
    // cognito-local keeps no sign-in events (AdminListUserAuthEvents is AWS's, with threat protection)
    expect(report.login?.recentSignIns).toBeNull();
  });

  it('refuses an admin taking their own admin role away, and a person without a login', async () => {
    const self = await person({ groups: ['admin'] });
    const asSelf = actor(['admin'], self.email);
    await expect(
      setUserRoles(ports, asSelf, self.id, { roles: ['learner'], reason: 'Oops' }),
    ).rejects.toBeInstanceOf(BusinessRuleError);
    expect((await ports.directory.login(self.email))?.groups).toEqual(['admin']);
    const noLogin = await person({ login: false });
    await expect(
      setUserRoles(ports, admin, noLogin.id, { roles: ['learner'], reason: 'x' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('says why a person cannot get in: no login, no role, a temporary password, a suspended profile', async () => {
    const noLogin = await person({ login: false });
    const missing = await accessReport(ports, admin, noLogin.id, undefined);
    expect(missing.canSignIn).toBe(false);
    expect(missing.reasons[0]).toMatch(/No sign-in account exists/);

    const noRole = await person({ groups: [] });
    const roleless = await accessReport(ports, admin, noRole.id, undefined);
    expect(roleless.canSignIn).toBe(false);
    expect(roleless.reasons).toContain(
      'The account has no LMS role: sign-in works, but every request answers 403.',
    );

    const temporary = await person({ login: false });
    await cognitoClient().send(
      new AdminCreateUserCommand({
        UserPoolId: pool().userPoolId,
        Username: temporary.email,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: 'Temp-Passw0rd!',
        UserAttributes: [{ Name: 'email', Value: temporary.email }],
      }),
    );
    const firstTime = await accessReport(ports, admin, temporary.id, undefined);
    expect(firstTime.login?.status).toBe('FORCE_CHANGE_PASSWORD');
    expect(firstTime.reasons.join(' ')).toMatch(/temporary password/);

    const suspended = await person();
    await suspendUser(people, admin, suspended.id, suspended.version, 'Left the company');
    const blocked = await accessReport(ports, admin, suspended.id, undefined);
    expect(blocked.canSignIn).toBe(false);
    expect(blocked.reasons[0]).toMatch(/suspended since .*: Left the company/);
  });
});

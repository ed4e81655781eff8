/** Roles and login troubleshooting against cognito-local and DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { cognitoClient } from '../../shared/clients.ts';
import { ConflictError } from '../../shared/domain/errors.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { identityPorts } from '../../shared/store/identity-wiring.ts';
import { provisionPorts } from '../../shared/store/sign-in-wiring.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { createDepartment } from '../../shared/use-cases/departments.ts';
import { accessReport, setUserRoles } from '../../shared/use-cases/identity.ts';
import { createIdentityProvider } from '../../shared/use-cases/identity-providers.ts';
import { provisionFederatedUser } from '../../shared/use-cases/sign-in.ts';
import { createUser, suspendUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail } from '../support/actors.ts';
import { CERTIFICATE_EXPIRES, samlMetadata } from '../support/saml.ts';

const ports = identityPorts();
const people = peopleWithLoginsPorts();
const admin = actor(['admin'], null, 'admin@example.com');
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

  it('refuses an admin taking their own admin role away (409), and a person without a login', async () => {
    const self = await person({ groups: ['admin'] });
    const asSelf = actor(['admin'], self.id, self.email);
    await expect(
      setUserRoles(ports, asSelf, self.id, { roles: ['learner'], reason: 'Oops' }),
    ).rejects.toThrow('You cannot take a role of your own away; ask another administrator.');
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

describe('a federated first sign-in’s department (custom:department), against the local stack', () => {
  it('matches by id, else by the one department of that name (any case); a shared or unknown name, or none, leaves the person without one, saying why', async () => {
    // Prepare: "Sales <u>" once in the tree, "Shared <u>" twice (at the top and under Sales), and an IdP
    const u = randomUUID().slice(0, 8);
    const sales = await createDepartment(people, admin, { name: `Sales ${u}` });
    await createDepartment(people, admin, { name: `Shared ${u}` });
    await createDepartment(people, admin, { name: `shared ${u}`, parentId: sales.id });
    // The provider's test certificate must be valid on the day it is saved.
    const idps = identityProviderPorts();
    const name = `Dept${u}`;
    await createIdentityProvider(
      {
        ...idps,
        runtime: { ...idps.runtime, now: () => new Date(CERTIFICATE_EXPIRES.getTime() - 86_400_000) },
      },
      admin,
      {
        type: 'SAML',
        name,
        domains: [`${name.toLowerCase()}.example`],
        metadataXml: samlMetadata(),
        attributeMapping: { email: 'email', department: 'department' },
        groupRules: [],
      },
    );
    // cognito-local cannot hold a federated login: the role groups go to a directory that records nothing.
    const deps = { ...provisionPorts(pool().userPoolId), directory: { setRoleGroups: async () => {} } };
    const signIn = async (department: string | undefined) => {
      const email = `fed.${randomUUID().slice(0, 8)}@${name.toLowerCase()}.example`;
      const providerUserId = randomUUID().slice(0, 8);
      const outcome = await provisionFederatedUser(deps, admin, {
        userName: `${name}_${providerUserId}`,
        attributes: {
          sub: randomUUID(),
          email,
          identities: JSON.stringify([{ providerName: name, userId: providerUserId }]),
          ...(department !== undefined ? { 'custom:department': department } : {}),
        },
      });
      const user = await people.users.get(outcome.userId ?? '');
      return { department: outcome.department, departmentId: user?.departmentId };
    };
    // Act
    const byId = await signIn(sales.id);
    const byName = await signIn(`  SALES ${u.toUpperCase()} `);
    const shared = await signIn(`Shared ${u}`);
    const unknown = await signIn(`Nowhere ${u}`);
    const none = await signIn(undefined);
    // Assess
    expect(byId).toEqual({
      department: { matched: true, departmentId: sales.id, by: 'id' },
      departmentId: sales.id,
    });
    expect(byName).toEqual({
      department: { matched: true, departmentId: sales.id, by: 'name' },
      departmentId: sales.id,
    });
    expect(shared).toEqual({
      department: { matched: false, reason: `2 departments are named "Shared ${u}"` },
      departmentId: null,
    });
    expect(unknown).toEqual({
      department: { matched: false, reason: `no department named "Nowhere ${u}"` },
      departmentId: null,
    });
    expect(none).toEqual({
      department: { matched: false, reason: 'the identity provider sent no department' },
      departmentId: null,
    });
    expect((await people.departments.get(sales.id))?.memberCount).toBe(2);
  });
});

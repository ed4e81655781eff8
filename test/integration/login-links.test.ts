/**
 * Identity by the login's `sub`, against DynamoDB Local and cognito-local: the link-logins job migrating
 * profiles stored before links existed, and the admin seats that keep an organisation from locking itself
 * out (a conditional write on the count of active admins, raced here for real).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { localTableDefinition } from '../../infra/local/resources.ts';
import { cognitoClient, dynamoDb } from '../../shared/clients.ts';
import { LastAdminError } from '../../shared/domain/errors.ts';
import { linkLogins as linkLoginsJob } from '../../shared/jobs/manifest.ts';
import { DynamoAdminSeats } from '../../shared/store/admin-seats.ts';
import { CognitoIdentityDirectory } from '../../shared/store/identity-directory.ts';
import { keys } from '../../shared/store/keys.ts';
import { DynamoUserRepository } from '../../shared/store/user-store.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import type { LinkLoginsResult } from '../../shared/use-cases/login-links.ts';
import { createUser, reactivateUser, suspendUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail } from '../support/actors.ts';

const people = peopleWithLoginsPorts();
const admin = actor(['admin']);
const pool = () => ({ userPoolId: process.env.USER_POOL_ID ?? '' });
/** The link-logins job, run as `npm run job -- link-logins` runs it: its handler, as its function. */
const load = handlerLoader<() => Promise<LinkLoginsResult>>(PROJECT_ROOT);
const runLinkLogins = async () => (await load(linkLoginsJob.handler))();
const identityDirectory = () => new CognitoIdentityDirectory(cognitoClient(), pool().userPoolId);

/** A profile as stored before logins were linked to profiles: no `linkedLogin` attribute at all. */
async function profileFromBeforeLinks(email: string) {
  const user = await createUser(people, admin, { email, givenName: 'Old', familyName: 'Record' });
  await dynamoDb().send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: keys.user(user.id),
      UpdateExpression: 'REMOVE linkedLogin',
    }),
  );
  return user;
}

async function login(email: string, groups: ('admin' | 'learner')[] = ['learner']) {
  return ensureCognitoUser(cognitoClient(), pool(), { email, password: 'Test-Passw0rd!', groups });
}

describe('the link-logins job, on data created before it', () => {
  it('links each login to the profile its verified email names, once, and leaves the rest unlinked', async () => {
    // Prepare: three old profiles with logins (one whose email is not verified), a login with no profile
    const [verified, alsoVerified, unverified, orphan] = ['a', 'b', 'c', 'd'].map((p) => uniqueEmail(p));
    const profiles = await Promise.all(
      [verified, alsoVerified, unverified].map((email) => profileFromBeforeLinks(email as string)),
    );
    const logins = await Promise.all(
      [verified, alsoVerified, unverified, orphan].map((e) => login(e as string)),
    );
    await cognitoClient().send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool().userPoolId,
        Username: logins[2]?.username,
        UserAttributes: [
          { Name: 'email', Value: unverified },
          { Name: 'email_verified', Value: 'false' },
        ],
      }),
    );

    // Act: the job, twice
    const first = await runLinkLogins();
    const [afterFirst] = await Promise.all([people.users.getMany(profiles.map((p) => p.id))]);
    const second = await runLinkLogins();
    const afterSecond = await people.users.getMany(profiles.map((p) => p.id));

    // Assess: linked by sub, audited; the unverified one is no one's; the second run changes nothing
    const byEmail = new Map(afterFirst.map((user) => [user.email, user]));
    expect(byEmail.get(verified as string)?.linkedLogin).toMatchObject({
      sub: logins[0]?.sub,
      by: 'migration',
    });
    expect(byEmail.get(alsoVerified as string)?.linkedLogin).toMatchObject({ sub: logins[1]?.sub });
    expect(byEmail.get(unverified as string)?.linkedLogin).toBeNull();
    expect(await people.users.idByLogin(logins[0]?.sub ?? '')).toBe(byEmail.get(verified as string)?.id);
    expect(await people.users.idByLogin(logins[3]?.sub ?? '')).toBeUndefined();
    expect(first.linked).toBeGreaterThanOrEqual(2);
    expect(first.notLinked['the login’s email is not verified']).toBeGreaterThanOrEqual(1);
    expect(first.notLinked['no LMS profile has the email <email>']).toBeGreaterThanOrEqual(1);
    expect(second.linked).toBe(0);
    expect(afterSecond.map((user) => user.version).sort()).toEqual(
      afterFirst.map((user) => user.version).sort(),
    );
    const trail = await people.audit.list(`user:${byEmail.get(verified as string)?.id}`, { limit: 10 });
    expect(trail.items.map((record) => record.action)).toEqual(['user.login-linked', 'user.created']);
  });

  it("makes the admin seats match the pool's admin group: granted in the console, taken away in the console", async () => {
    // Prepare: a linked person whom someone puts in the admin group straight in Cognito
    const email = uniqueEmail('console');
    const user = await profileFromBeforeLinks(email);
    const account = await login(email);
    await runLinkLogins();
    const seats = new DynamoAdminSeats(dynamoDb(), process.env.TABLE_NAME ?? '');
    const group = { UserPoolId: pool().userPoolId, Username: account.username, GroupName: 'admin' };

    // Act + Assess
    await cognitoClient().send(new AdminAddUserToGroupCommand(group));
    const granted = await runLinkLogins();
    expect(await seats.holds(user.id)).toBe(true);
    expect(granted.adminSeats.granted).toBe(1);
    await cognitoClient().send(new AdminRemoveUserFromGroupCommand(group));
    const forgotten = await runLinkLogins();
    expect(await seats.holds(user.id)).toBe(false);
    expect(forgotten.adminSeats.forgotten).toBe(1);
  });
});

describe('admin seats: nobody removes the last active administrator', () => {
  // A table of its own: the count of active admins is one item per table, and the shared one has the demo's.
  const tableName = `seats-${randomUUID().slice(0, 8)}`;
  const users = new DynamoUserRepository(dynamoDb(), tableName);
  const seats = new DynamoAdminSeats(dynamoDb(), tableName);
  const deps = { ...people, users, directory: { signOut: async () => 'aws-only' as const } };

  beforeAll(async () => {
    await dynamoDb().send(new CreateTableCommand(localTableDefinition(tableName)));
  });
  afterAll(async () => {
    await dynamoDb().send(new DeleteTableCommand({ TableName: tableName }));
  });

  async function administrators(count: number) {
    const created = [];
    for (let i = 0; i < count; i++) {
      const user = await createUser(deps, admin, {
        email: uniqueEmail('adm'),
        givenName: 'A',
        familyName: 'D',
      });
      await seats.grant(user.id);
      created.push(user);
    }
    return created;
  }

  it('lets one of two concurrent demotions of the last two admins through, never both', async () => {
    // Prepare
    const [first, second] = await administrators(2);

    // Act: each demotes the other at the same moment
    const results = await Promise.allSettled([seats.revoke(first?.id ?? ''), seats.revoke(second?.id ?? '')]);

    // Assess
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(LastAdminError);
    expect(await seats.activeCount()).toBe(1);
    for (const id of await seats.holders()) await seats.forget(id);
  });

  it('refuses to suspend the last active admin, counts a reactivated one again, and suspends one of two', async () => {
    // Prepare
    const [only] = await administrators(1);
    const id = only?.id ?? '';

    // Act + Assess: the only admin cannot be suspended; with a second, either can
    await expect(suspendUser(deps, admin, id, undefined, 'Left')).rejects.toBeInstanceOf(LastAdminError);
    expect((await users.get(id))?.status).toBe('active');
    const [other] = await administrators(1);
    await expect(suspendUser(deps, admin, id, undefined, 'Left')).resolves.toMatchObject({
      user: { status: 'suspended' },
    });
    expect(await seats.activeCount()).toBe(1);
    await expect(seats.revoke(other?.id ?? '')).rejects.toBeInstanceOf(LastAdminError);
    await reactivateUser(deps, admin, id, undefined);
    expect(await seats.activeCount()).toBe(2);
    await expect(seats.revoke(other?.id ?? '')).resolves.toBeUndefined();
    expect(await seats.activeCount()).toBe(1);
  });

  it('refuses anyone suspending themselves', async () => {
    const [self] = await administrators(2);
    await expect(
      suspendUser(deps, actor(['admin'], self?.id ?? ''), self?.id ?? '', undefined, 'Me'),
    ).rejects.toThrow('You cannot suspend yourself');
  });
});

describe('break glass (scripts/break-glass.ts), run as an operator would', () => {
  /** Runs the script in its own process, with the operator's "credentials": here, the emulators' endpoints. */
  function breakGlass(...args: string[]) {
    return spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/break-glass.ts',
        ...args,
        '--table',
        process.env.TABLE_NAME ?? '',
        '--user-pool-id',
        process.env.USER_POOL_ID ?? '',
      ],
      { encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
    );
  }

  it('gives a suspended person their admin role back: reactivated, in the admin group, a seat, audited', async () => {
    // Prepare: a linked person, suspended (as if every admin had been suspended in the console)
    const email = uniqueEmail('ops');
    const user = await createUser(people, admin, { email, givenName: 'Op', familyName: 'S' });
    const account = await login(email);
    await runLinkLogins();
    await suspendUser(people, admin, user.id, undefined, 'Locked out');

    // Act
    const run = breakGlass('--email', email, '--reason', 'INC-42: no admin left');

    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      userId: user.id,
      created: false,
      reactivated: true,
      roles: ['admin', 'learner'],
    });
    expect((await people.users.get(user.id))?.status).toBe('active');
    expect((await identityDirectory().login(account.username))?.groups).toEqual(['admin', 'learner']);
    expect(await new DynamoAdminSeats(dynamoDb(), process.env.TABLE_NAME ?? '').holds(user.id)).toBe(true);
    const trail = await people.audit.list(`user:${user.id}`, { limit: 1 });
    expect(trail.items[0]).toMatchObject({
      action: 'user.admin-restored',
      actor: { sub: expect.stringMatching(/^break-glass:/) },
      after: { roles: ['admin', 'learner'], reason: 'INC-42: no admin left' },
    });
  });

  it('creates the profile of a login that has none, and refuses bad arguments without touching anything', async () => {
    // Prepare
    const email = uniqueEmail('fresh');
    await login(email);

    // Act
    const run = breakGlass('--email', email, '--reason', 'First administrator');
    const noReason = breakGlass('--email', email);
    const noLogin = breakGlass('--email', uniqueEmail('nobody'), '--reason', 'x');

    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      created: true,
      reactivated: false,
      roles: ['admin', 'learner'],
    });
    expect(noReason.status).toBe(2);
    expect(noReason.stderr).toContain('Usage: break-glass');
    expect(noLogin.status).not.toBe(0);
    expect(noLogin.stderr).toContain('create the login in the user pool first');
  });
});

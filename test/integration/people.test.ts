import { describe, expect, it } from 'vitest';
import {
  BusinessRuleError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../../shared/domain/errors.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { createDepartment } from '../../shared/use-cases/departments.ts';
import {
  createUser,
  getUser,
  listUsers,
  reactivateUser,
  suspendUser,
  updateUser,
} from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const ports = peopleWithLoginsPorts();
const admin = actor(['admin']);
const person = (overrides: Partial<Parameters<typeof createUser>[2]> = {}) =>
  createUser(ports, admin, { email: uniqueEmail(), givenName: 'Test', familyName: 'Person', ...overrides });

describe('people, against DynamoDB Local', () => {
  it('creates a person with an audit record written in the same transaction', async () => {
    // Act
    const user = await person({ email: 'Mixed.Case@Example.com'.replace('Mixed', `M${Date.now()}`) });
    // Assess
    expect(user.email).toBe(user.email.toLowerCase());
    expect(await ports.users.get(user.id)).toEqual(user);
    const trail = await ports.audit.list(`user:${user.id}`, { limit: 10 });
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({
      action: 'user.created',
      before: null,
      requestId: admin.requestId,
    });
    expect(trail.items[0]?.after).toMatchObject({ id: user.id, email: user.email });
  });

  it('refuses a second person with the same email in any case, and writes nothing', async () => {
    // Prepare
    const email = uniqueEmail('dup');
    await person({ email });
    // Act
    const attempt = person({ email: email.toUpperCase() });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ fields: [{ path: 'body.email' }] });
  });

  it('lets exactly one of 20 concurrent creates with the same email win', async () => {
    // Prepare
    const email = uniqueEmail('race');
    // Act
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => person({ email })));
    // Assess
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(19);
    // Taken, or collided with the winner's transaction: a conflict either way, never the SDK's error.
    for (const result of refused) expect(result.reason).toBeInstanceOf(ConflictError);
    const owner = await ports.users.idByEmail(email);
    expect(owner).toBeDefined();
  });

  it('refuses a duplicate external id', async () => {
    const externalId = `HR-${Date.now()}`;
    await person({ externalId });
    await expect(person({ externalId })).rejects.toMatchObject({ fields: [{ path: 'body.externalId' }] });
  });

  it('refuses an unknown department or manager, and writes nothing', async () => {
    const email = uniqueEmail('orphan');
    await expect(
      person({ email, departmentId: '0f8fad5b-d9cb-469f-a165-70867728950e' }),
    ).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(person({ email, managerId: '0f8fad5b-d9cb-469f-a165-70867728950e' })).rejects.toBeInstanceOf(
      BusinessRuleError,
    );
    expect(await ports.users.idByEmail(email)).toBeUndefined();
  });

  it('updates with the current version only, and moves the email claim', async () => {
    // Prepare
    const user = await person();
    const newEmail = uniqueEmail('moved');
    // Act
    const updated = await updateUser(ports, admin, user.id, 1, { email: newEmail, jobTitle: 'Analyst' });
    // Assess
    expect(updated).toMatchObject({ version: 2, email: newEmail, jobTitle: 'Analyst' });
    await expect(updateUser(ports, admin, user.id, 1, { jobTitle: 'Stale' })).rejects.toBeInstanceOf(
      StaleVersionError,
    );
    expect(await ports.users.idByEmail(user.email)).toBeUndefined();
    expect(await ports.users.idByEmail(newEmail)).toBe(user.id);
    // The old email is free again.
    await expect(person({ email: user.email })).resolves.toMatchObject({ email: user.email });
  });

  it('lets only one of two concurrent updates at the same version win', async () => {
    const user = await person();
    const results = await Promise.allSettled([
      updateUser(ports, admin, user.id, 1, { jobTitle: 'A' }),
      updateUser(ports, admin, user.id, 1, { jobTitle: 'B' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect((await ports.users.get(user.id))?.version).toBe(2);
  });

  it('suspends with a reason and reactivates, each audited', async () => {
    const user = await person();
    const suspended = await suspendUser(ports, admin, user.id, undefined, 'Left the company');
    expect(suspended).toMatchObject({
      user: { status: 'suspended', suspensionReason: 'Left the company', version: 2 },
      // No login is linked to this profile: nothing to sign out
      signedOut: 'no-login',
    });
    const active = await reactivateUser(ports, admin, user.id, 2);
    expect(active).toMatchObject({ status: 'active', suspensionReason: null, version: 3 });
    const trail = await ports.audit.list(`user:${user.id}`, { limit: 10 });
    expect(trail.items.map((record) => record.action)).toEqual([
      'user.reactivated',
      'user.suspended',
      'user.created',
    ]);
  });

  it('lists a department by pages with no duplicates, and filters by status', async () => {
    // Prepare
    const department = await createDepartment(ports, admin, { name: uniqueName('Paging') });
    const created = await Promise.all(
      Array.from({ length: 7 }, () => person({ departmentId: department.id })),
    );
    const first = created[0];
    if (!first) throw new Error('nobody created');
    await suspendUser(ports, admin, first.id, undefined, 'On leave');
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(ports, admin, { departmentId: department.id }, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((user) => user.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const suspended = await listUsers(
      ports,
      admin,
      { departmentId: department.id, status: 'suspended' },
      { limit: 25 },
    );
    // Assess
    expect(new Set(seen).size).toBe(7);
    expect(seen.sort()).toEqual(created.map((user) => user.id).sort());
    expect(suspended.items.map((user) => user.id)).toEqual([first.id]);
    expect((await ports.departments.get(department.id))?.memberCount).toBe(7);
  });

  it('refuses a cursor from another listing', async () => {
    const department = await createDepartment(ports, admin, { name: uniqueName('Cursor') });
    await Promise.all([person({ departmentId: department.id }), person({ departmentId: department.id })]);
    const page = await listUsers(ports, admin, { departmentId: department.id }, { limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    await expect(
      listUsers(ports, admin, {}, { limit: 1, cursor: page.nextCursor ?? '' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(listUsers(ports, admin, {}, { limit: 1, cursor: 'bm90LWpzb24' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('keeps a manager within the subtree of the departments they manage', async () => {
    // Prepare
    const managerEmail = uniqueEmail('manager');
    const manager = await person({ email: managerEmail });
    const region = await createDepartment(ports, admin, {
      name: uniqueName('Region'),
      managerId: manager.id,
    });
    const branch = await createDepartment(ports, admin, { name: uniqueName('Branch'), parentId: region.id });
    const other = await createDepartment(ports, admin, { name: uniqueName('Other') });
    const inBranch = await person({ departmentId: branch.id });
    const outside = await person({ departmentId: other.id });
    const asManager = actor(['manager'], manager.id);
    // Act
    const visible = await listUsers(ports, asManager, {}, { limit: 100 });
    // Assess
    expect(visible.items.map((user) => user.id)).toEqual([inBranch.id]);
    await expect(getUser(ports, asManager, inBranch.id)).resolves.toMatchObject({ id: inBranch.id });
    await expect(getUser(ports, asManager, outside.id)).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(
      listUsers(ports, asManager, { departmentId: other.id }, { limit: 10 }),
    ).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(getUser(ports, asManager, manager.id)).resolves.toMatchObject({ id: manager.id });
  });

  it('lets a learner read only themselves', async () => {
    const email = uniqueEmail('learner');
    const self = await person({ email });
    const someone = await person();
    const asLearner = actor(['learner'], self.id);
    await expect(getUser(ports, asLearner, self.id)).resolves.toMatchObject({ id: self.id });
    await expect(getUser(ports, asLearner, someone.id)).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(getUser(ports, admin, '0f8fad5b-d9cb-469f-a165-70867728950e')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

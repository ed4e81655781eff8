/**
 * People: create, read, list, change, suspend, reactivate.
 * Uniqueness (email, external id), department existence and versions are enforced by the repository's
 * conditional writes, atomically with the audit record, never by a read-then-write here.
 */
import { NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { type CreateUserInput, normaliseEmail, type UpdateUserInput, type User } from '../domain/user.ts';
import { accessScope, canSeeUser, outOfScope, type ScopeDeps } from './access-scope.ts';
import { auditChange } from './context.ts';
import { peopleOfDepartments } from './people-of-departments.ts';
import type { DepartmentRepository, Page, PageRequest, Runtime, UserRepository } from './ports.ts';

export interface UserDeps {
  users: UserRepository;
  departments: DepartmentRepository;
  runtime: Runtime;
}

const target = (id: string) => `user:${id}`;

/** Steps: build the profile (active, version 1) -> write it with its claims and audit record in one transaction. */
export async function createUser(deps: UserDeps, actor: Actor, input: CreateUserInput): Promise<User> {
  const now = deps.runtime.now().toISOString();
  const user: User = {
    id: deps.runtime.newId(),
    email: normaliseEmail(input.email),
    givenName: input.givenName,
    familyName: input.familyName,
    departmentId: input.departmentId ?? null,
    managerId: input.managerId ?? null,
    jobTitle: input.jobTitle ?? null,
    location: input.location ?? null,
    externalId: input.externalId ?? null,
    hireDate: input.hireDate ?? null,
    customAttributes: input.customAttributes ?? {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.users.create(user, audit(deps, actor, 'user.created', null, user));
  return user;
}

/** Steps: load -> check the caller may see this person. */
export async function getUser(deps: UserDeps, actor: Actor, id: string): Promise<User> {
  const user = await deps.users.get(id);
  if (!user) throw new NotFoundError('user', id);
  const scope = await accessScope(actor.principal, scopeDeps(deps));
  if (!canSeeUser(scope, user)) throw outOfScope('user', id);
  return user;
}

/** Steps: work out the caller's scope -> list within it (a department filter outside it is refused). */
export async function listUsers(
  deps: UserDeps,
  actor: Actor,
  filter: {
    departmentId?: string | undefined;
    status?: User['status'] | undefined;
    email?: string | undefined;
  },
  page: PageRequest,
): Promise<Page<User>> {
  const scope = await accessScope(actor.principal, scopeDeps(deps));
  if (scope.kind === 'everything') return deps.users.list(filter, page);
  if (filter.departmentId !== undefined) {
    if (!scope.departmentIds.has(filter.departmentId)) throw outOfScope('department', filter.departmentId);
    return deps.users.list(filter, page);
  }
  if (scope.departmentIds.size === 0) return { items: [], nextCursor: null };
  return peopleOfDepartments(deps.users, [...scope.departmentIds].sort(), filter, page);
}

/** Steps: load at the If-Match version -> apply the changes -> write with the audit record. */
export function updateUser(
  deps: UserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  changes: UpdateUserInput,
): Promise<User> {
  return changeUser(deps, actor, id, expectedVersion, 'user.updated', (before) => ({
    ...changes,
    email: changes.email !== undefined ? normaliseEmail(changes.email) : before.email,
  }));
}

/** Steps: load -> (already suspended: nothing to do) -> mark suspended with the reason -> write with audit. */
export function suspendUser(
  deps: UserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  reason: string,
): Promise<User> {
  return changeUser(deps, actor, id, expectedVersion, 'user.suspended', (before, now) =>
    before.status === 'suspended'
      ? null
      : { status: 'suspended', suspendedAt: now, suspensionReason: reason },
  );
}

/** Steps: load -> (already active: nothing to do) -> mark active -> write with audit. */
export function reactivateUser(
  deps: UserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<User> {
  return changeUser(deps, actor, id, expectedVersion, 'user.reactivated', (before) =>
    before.status === 'active' ? null : { status: 'active', suspendedAt: null, suspensionReason: null },
  );
}

/**
 * The one way a person changes: load (at the If-Match version when given), work out the change (`null`:
 * nothing to do, answer the current state), bump the version, write it with its audit record.
 */
async function changeUser(
  deps: UserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  action: string,
  change: (before: User, now: string) => Partial<User> | null,
): Promise<User> {
  const before = await deps.users.get(id);
  if (!before) throw new NotFoundError('user', id);
  // The repository checks the version again in its conditional write; this early check gives the clearer message.
  if (expectedVersion !== undefined && before.version !== expectedVersion) {
    throw new StaleVersionError('user', id, expectedVersion, before.version);
  }
  const now = deps.runtime.now().toISOString();
  const changes = change(before, now);
  if (changes === null) return before;
  const after: User = { ...before, ...changes, updatedAt: now, version: before.version + 1 };
  await deps.users.update(before, after, audit(deps, actor, action, before, after));
  return after;
}

function audit(deps: UserDeps, actor: Actor, action: string, before: User | null, after: User) {
  return auditChange(deps.runtime, actor, action, target(after.id), before, after);
}

function scopeDeps(deps: UserDeps): ScopeDeps {
  return { users: deps.users, departments: deps.departments };
}

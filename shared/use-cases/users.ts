/**
 * People: create, read, list, change, suspend, reactivate.
 * Uniqueness (email, external id), department existence and versions are enforced by the repository's
 * conditional writes, atomically with the audit record, never by a read-then-write here.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError, StaleVersionError } from '../domain/errors.ts';
import { type Actor, isSelf } from '../domain/principal.ts';
import {
  type CreateUserInput,
  type LinkedLogin,
  normaliseEmail,
  type ScimProvisioning,
  type UpdateUserInput,
  type User,
} from '../domain/user.ts';
import { accessScope, canSeeUser, outOfScope, type ScopeDeps } from './access-scope.ts';
import { auditChange } from './context.ts';
import { type LoginLinkDeps, loginForNewProfile } from './login-links.ts';
import { peopleOfDepartments } from './people-of-departments.ts';
import type {
  DepartmentRepository,
  IdentityDirectory,
  Page,
  PageRequest,
  Runtime,
  UserRepository,
} from './ports.ts';

export interface UserDeps {
  users: UserRepository;
  departments: DepartmentRepository;
  runtime: Runtime;
}

const target = (id: string) => `user:${id}`;

/** What a new profile starts with besides the input. */
export interface NewProfile {
  /** The login it is linked to, when the caller knows the person's login. */
  login?: LinkedLogin | null;
  /** The identity provider's record of a person provisioned through SCIM. */
  scim?: ScimProvisioning | null;
  /** Created suspended, with this reason (an identity provider provisioning someone inactive). */
  suspensionReason?: string | undefined;
}

/**
 * Steps: build the profile (active unless `profile.suspensionReason` says otherwise, version 1, linked to the
 * login when the caller knows it) -> write it with its claims (the login's `sub` among them) and audit record
 * in one transaction.
 */
export async function createUser(
  deps: UserDeps,
  actor: Actor,
  input: CreateUserInput,
  profile: NewProfile = {},
): Promise<User> {
  const now = deps.runtime.now().toISOString();
  const suspended = profile.suspensionReason !== undefined;
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
    status: suspended ? 'suspended' : 'active',
    suspendedAt: suspended ? now : null,
    suspensionReason: profile.suspensionReason ?? null,
    stickyFields: [],
    linkedLogin: profile.login ?? null,
    scim: profile.scim ?? null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.users.create(user, audit(deps, actor, 'user.created', null, user));
  return user;
}

/**
 * A person created through the API or SCIM: linked at once to the login that already has their email, when
 * the link rules allow it (see login-links.ts); otherwise the link is made at their first sign-in.
 */
export async function createPerson(
  deps: UserDeps & Pick<LoginLinkDeps, 'providers'> & { directory: Pick<IdentityDirectory, 'account'> },
  actor: Actor,
  input: CreateUserInput,
  profile: Omit<NewProfile, 'login'> = {},
): Promise<User> {
  return createUser(deps, actor, input, { ...profile, login: await loginForNewProfile(deps, input.email) });
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

/** What became of the login's sessions when the profile was suspended. */
export type SignOutOutcome = 'signed-out' | 'aws-only' | 'no-login' | 'unchanged' | 'failed';

/**
 * Steps: nobody suspends themselves -> load -> (already suspended: nothing to do) -> mark suspended with the
 * reason -> write with audit (the store refuses the last active administrator) -> sign the linked login out
 * everywhere, so no refresh token outlives the suspension. The authorizer refuses the person's current
 * tokens within its cache time whatever `signedOut` says.
 */
export async function suspendUser(
  deps: UserDeps & { directory: Pick<IdentityDirectory, 'signOut'> },
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  reason: string,
): Promise<{ user: User; signedOut: SignOutOutcome }> {
  if (isSelf(actor.principal, id))
    throw new ConflictError('You cannot suspend yourself; ask another administrator.');
  const before = await deps.users.get(id);
  const user = await changeUser(deps, actor, id, expectedVersion, 'user.suspended', (current, now) =>
    current.status === 'suspended'
      ? null
      : { status: 'suspended', suspendedAt: now, suspensionReason: reason },
  );
  if (before?.status === 'suspended') return { user, signedOut: 'unchanged' };
  return { user, signedOut: await signOut(deps, user) };
}

/**
 * A change an identity provider makes (SCIM): the profile, the person's SCIM record and their status in one
 * write, audited as the status change when there is one (`user.suspended`, `user.reactivated`, as an import
 * does), else as `user.updated`. A suspension signs the login out, as `suspendUser` does. Fields the person's
 * `stickyFields` name keep their value: an administrator's correction stands against the directory too.
 * `change` answers the profile the identity provider wants, from the current one.
 */
export async function applyProvisioning(
  deps: UserDeps & { directory: Pick<IdentityDirectory, 'signOut'> },
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  change: (before: User, now: string) => User,
): Promise<{ user: User; signedOut: SignOutOutcome }> {
  let before: User | undefined;
  const user = await changeUser(
    deps,
    actor,
    id,
    expectedVersion,
    (from, to) =>
      from.status === to.status
        ? 'user.updated'
        : to.status === 'active'
          ? 'user.reactivated'
          : 'user.suspended',
    (current, now) => {
      before = current;
      const kept = Object.fromEntries(current.stickyFields.map((field) => [field, current[field]]));
      const wanted: User = { ...change(current, now), ...kept };
      // A request that changes nothing writes nothing (no version, no audit record, no event).
      return unchangedBesidesScimStamp(current, wanted) ? null : wanted;
    },
  );
  const suspended = before?.status === 'active' && user.status === 'suspended';
  return { user, signedOut: suspended ? await signOut(deps, user) : 'unchanged' };
}

function unchangedBesidesScimStamp(before: User, after: User): boolean {
  const stampless = (user: User) => ({
    ...user,
    scim: user.scim && { ...user.scim, updatedAt: null, updatedBy: null },
  });
  return isDeepStrictEqual(stampless(before), stampless(after));
}

/** Ends the linked login's sessions everywhere (AdminUserGlobalSignOut); a failure leaves the suspension standing. */
async function signOut(
  deps: { directory: Pick<IdentityDirectory, 'signOut'> },
  user: User,
): Promise<SignOutOutcome> {
  if (!user.linkedLogin) return 'no-login';
  try {
    return await deps.directory.signOut(user.linkedLogin.username);
  } catch {
    // The suspension stands (and the authorizer enforces it); the handler logs that the sign-out failed.
    return 'failed';
  }
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
  action: string | ((before: User, after: User) => string),
  change: (before: User, now: string) => Partial<User> | null,
): Promise<User> {
  const before = await deps.users.get(id);
  if (!before) throw new NotFoundError('user', id);
  if (before.erasedAt)
    throw new ConflictError(
      `The user ${id} was erased on ${before.erasedAt}: an erased profile does not change.`,
    );
  // The repository checks the version again in its conditional write; this early check gives the clearer message.
  if (expectedVersion !== undefined && before.version !== expectedVersion) {
    throw new StaleVersionError('user', id, expectedVersion, before.version);
  }
  const now = deps.runtime.now().toISOString();
  const changes = change(before, now);
  if (changes === null) return before;
  const after: User = { ...before, ...changes, updatedAt: now, version: before.version + 1 };
  const named = typeof action === 'string' ? action : action(before, after);
  await deps.users.update(before, after, audit(deps, actor, named, before, after));
  return after;
}

function audit(deps: UserDeps, actor: Actor, action: string, before: User | null, after: User) {
  return auditChange(deps.runtime, actor, action, target(after.id), before, after);
}

function scopeDeps(deps: UserDeps): ScopeDeps {
  return { departments: deps.departments };
}

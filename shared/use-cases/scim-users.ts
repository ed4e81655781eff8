/**
 * People through SCIM (/scim/v2/Users): an identity provider creates, finds, changes and deletes the same
 * people as /users, through the same use cases (claims, audit records, events), on SCIM's terms.
 *
 * Steps of a write: read the resource (a POST or PUT body with readScimResource, a PATCH applied to the
 * person as SCIM shows them) -> the person it describes (scimPerson: the LMS's rules, each refusal naming the
 * SCIM attribute) -> the department it names (matchDepartment: an id, a name or a path; a value that matches
 * none leaves the person where they are, kept as sent) -> createUser, or applyProvisioning for a change (one
 * audited write; a suspension signs the person out).
 *
 * - `active: false` suspends with SCIM_DEACTIVATED; `active: true` lifts only a suspension SCIM made, so a
 *   suspension made in the LMS stands (and the resource keeps saying `active: false`).
 * - DELETE suspends with SCIM_DELETED and keeps every record; the person is then gone from SCIM (404) but not
 *   from the LMS. A later POST with their userName (or email) brings the same person back, records and all.
 * - A person SCIM has not provisioned is a User with their email as userName, so an identity provider
 *   connected to an LMS that already has people finds them (`userName eq`) instead of creating them twice;
 *   its first change makes them provisioned.
 */
import { NotFoundError, UniquenessError } from '../domain/errors.ts';
import { type Actor, actorId } from '../domain/principal.ts';
import { normaliseEmail, type ScimProvisioning, type User } from '../domain/user.ts';
import { ScimError } from '../scim/errors.ts';
import { equalityLookupValue, matchesScimFilter, parseScimFilter, type ScimFilter } from '../scim/filter.ts';
import { applyScimPatch } from '../scim/patch.ts';
import { readScimResource } from '../scim/resource.ts';
import { USER_FILTER_ATTRIBUTES, USER_RESOURCE_TYPE } from '../scim/schema.ts';
import { ENTERPRISE_CUSTOM_ATTRIBUTES, type ScimPerson, scimPerson, scimUser } from '../scim/users.ts';
import { matchDepartment } from './departments.ts';
import type { IdentityDirectory } from './ports.ts';
import { applyProvisioning, createUser, type UserDeps } from './users.ts';

export type ScimUserDeps = UserDeps & { directory: Pick<IdentityDirectory, 'signOut'> };

/** The suspension reasons SCIM writes; `active: true` lifts only these. */
const SCIM_DEACTIVATED = 'Deactivated in the identity provider (SCIM)';
const SCIM_DELETED = 'Deleted in the identity provider (SCIM)';

/** Which results of a filter a page shows (RFC 7644 §3.4.2.4): from the 1-based `startIndex`, `count` of them. */
export interface ResultWindow {
  startIndex: number;
  count: number;
}

/**
 * POST /Users. Steps: read the resource -> create the person (suspended when `active` is false) -> when a
 * claim refuses them (userName, email) and its holder is a person the identity provider deleted, that person
 * comes back instead, with their records. The person's login is linked at their first sign-in (through the
 * identity provider's SSO, or by a verified email), as for any profile created before its login.
 */
export async function provisionUser(deps: ScimUserDeps, actor: Actor, body: unknown): Promise<User> {
  const person = scimPerson(readScimResource(body, USER_RESOURCE_TYPE));
  const email = person.email;
  if (email === undefined) {
    throw new ScimError(
      400,
      'invalidValue',
      'emails is required: the LMS writes to people at an email address.',
    );
  }
  const now = deps.runtime.now().toISOString();
  const departmentId = await departmentFor(deps, person, null);
  try {
    return await createUser(
      deps,
      actor,
      {
        email,
        givenName: person.givenName,
        familyName: person.familyName,
        departmentId,
        managerId: person.managerId,
        jobTitle: person.jobTitle,
        externalId: person.externalId,
        customAttributes: customAttributes({}, person),
      },
      {
        scim: scimRecord(person, null, actor, now),
        suspensionReason: person.active === false ? SCIM_DEACTIVATED : undefined,
      },
    );
  } catch (error) {
    // Looked for only when a value is taken, so a new person costs one transaction.
    const returning = error instanceof UniquenessError && (await deletedHolder(deps, person.userName, email));
    if (!returning) throw error;
    return change(deps, actor, returning, undefined, person);
  }
}

/** GET /Users/{id}: the person, unless the identity provider deleted them (404, as for no one). */
export async function scimUserById(deps: Pick<UserDeps, 'users'>, id: string): Promise<User> {
  const user = await deps.users.get(id);
  if (!user || user.scim?.deletedAt) throw new NotFoundError('User', id);
  return user;
}

/**
 * GET /Users: the people a filter finds (everyone without one), in the order of their emails, and how many
 * there are. `id`, `userName`, `externalId` and `emails.value` equality are looked up by their index (the
 * IdPs' matching queries); other filters read everyone (a filter on an attribute the LMS does not keep is
 * refused before that: `invalidFilter`).
 */
export async function findScimUsers(
  deps: Pick<UserDeps, 'users'>,
  filterText: string | undefined,
  window: ResultWindow,
): Promise<{ total: number; users: User[] }> {
  const filter = filterText === undefined ? undefined : parseScimFilter(filterText, USER_FILTER_ATTRIBUTES);
  const candidates = (filter && (await lookedUp(deps, filter))) ?? (await deps.users.all());
  const found = candidates.filter(
    (user) => !user.scim?.deletedAt && (!filter || matchesScimFilter(filter, scimUser(user, ''))),
  );
  const start = window.startIndex - 1;
  return { total: found.length, users: found.slice(start, start + window.count) };
}

/** PUT /Users/{id}: the resource replaces what SCIM says about the person (RFC 7644 §3.5.1). */
export async function replaceScimUser(
  deps: ScimUserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  body: unknown,
): Promise<User> {
  const before = await scimUserById(deps, id);
  return change(deps, actor, before, expectedVersion, scimPerson(readScimResource(body, USER_RESOURCE_TYPE)));
}

/** PATCH /Users/{id}: the operations applied to the person as SCIM shows them, all or nothing. */
export async function patchScimUser(
  deps: ScimUserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  operations: readonly unknown[],
): Promise<User> {
  const before = await scimUserById(deps, id);
  const patched = applyScimPatch(scimUser(before, ''), operations, USER_RESOURCE_TYPE);
  return change(deps, actor, before, expectedVersion, scimPerson(patched));
}

/** DELETE /Users/{id}: suspended (signed out) and kept, with every record; gone from SCIM. */
export async function deprovisionUser(
  deps: ScimUserDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const before = await scimUserById(deps, id);
  await applyProvisioning(deps, actor, id, expectedVersion ?? before.version, (current, now) => ({
    ...current,
    ...(current.status === 'active'
      ? { status: 'suspended', suspendedAt: now, suspensionReason: SCIM_DELETED }
      : {}),
    scim: {
      ...scimRecordOf(current, now),
      updatedAt: now,
      updatedBy: actorId(actor.principal),
      deletedAt: now,
    },
  }));
}

/**
 * The one way SCIM changes a person: the department decided first (it may read departments), then one write
 * at the version that decision read.
 */
async function change(
  deps: ScimUserDeps,
  actor: Actor,
  before: User,
  expectedVersion: number | undefined,
  person: ScimPerson,
): Promise<User> {
  const departmentId = await departmentFor(deps, person, before);
  const { user } = await applyProvisioning(
    deps,
    actor,
    before.id,
    expectedVersion ?? before.version,
    (current, now) => ({
      ...current,
      email: normaliseEmail(person.email ?? current.email),
      givenName: person.givenName,
      familyName: person.familyName,
      departmentId,
      managerId: person.managerId,
      jobTitle: person.jobTitle,
      externalId: person.externalId,
      customAttributes: customAttributes(current.customAttributes, person),
      ...status(current, person, now),
      scim: scimRecord(person, current, actor, now),
    }),
  );
  return user;
}

/** `active` as the LMS applies it: false suspends; true lifts a suspension SCIM made, never another. */
function status(current: User, person: ScimPerson, now: string): Partial<User> {
  const returning = current.scim?.deletedAt !== null && current.scim?.deletedAt !== undefined;
  const active = person.active ?? (returning || current.status === 'active');
  if (!active) {
    return current.status === 'active'
      ? { status: 'suspended', suspendedAt: now, suspensionReason: SCIM_DEACTIVATED }
      : {};
  }
  const bySCIM = current.suspensionReason === SCIM_DEACTIVATED || current.suspensionReason === SCIM_DELETED;
  return current.status === 'suspended' && bySCIM
    ? { status: 'active', suspendedAt: null, suspensionReason: null }
    : {};
}

function scimRecord(person: ScimPerson, current: User | null, actor: Actor, now: string): ScimProvisioning {
  const kept = current?.scim && !current.scim.deletedAt ? current.scim : undefined;
  return {
    userName: person.userName,
    displayName: person.displayName,
    department: person.department,
    provisionedAt: kept?.provisionedAt ?? now,
    updatedAt: now,
    updatedBy: actorId(actor.principal),
    deletedAt: null,
  };
}

/** The record of a person SCIM deletes: theirs, or (never provisioned) one saying so now. */
function scimRecordOf(user: User, now: string): ScimProvisioning {
  return (
    user.scim ?? {
      userName: user.email,
      displayName: null,
      department: null,
      provisionedAt: now,
      updatedAt: now,
      updatedBy: '',
      deletedAt: null,
    }
  );
}

/** The person's custom attributes with the enterprise ones the resource gives (and without those it drops). */
function customAttributes(current: Record<string, string>, person: ScimPerson): Record<string, string> {
  const result = { ...current };
  for (const name of ENTERPRISE_CUSTOM_ATTRIBUTES) {
    const value = person.custom[name];
    if (value === null) delete result[name];
    else result[name] = value;
  }
  return result;
}

/**
 * The department the person is in after the change: the one the identity provider's value names (by id, name
 * or path). A value no department matches, or none, leaves the person where they are (in no department, when
 * new), the value kept as sent in `scim.department`: a name the LMS does not know never moves anyone out of
 * a department, its manager's view and its rule cohorts. The value the provider sent last time is matched
 * again only for someone still without a department (the department may have been created since).
 */
async function departmentFor(
  deps: UserDeps,
  person: ScimPerson,
  before: User | null,
): Promise<string | null> {
  const current = before?.departmentId ?? null;
  if (person.department === null) return current;
  if (current !== null && person.department === (before?.scim?.department ?? null)) return current;
  const match = await matchDepartment(deps.departments, person.department);
  return match.matched ? match.departmentId : current;
}

/** A person the identity provider deleted who holds this userName, or else this email. */
async function deletedHolder(deps: UserDeps, userName: string, email: string): Promise<User | undefined> {
  const id = (await deps.users.idByScimUserName(userName)) ?? (await deps.users.idByEmail(email));
  const holder = id ? await deps.users.get(id) : undefined;
  return holder?.scim?.deletedAt ? holder : undefined;
}

/** The candidates of a filter an index finds, or undefined when none does. */
async function lookedUp(deps: Pick<UserDeps, 'users'>, filter: ScimFilter): Promise<User[] | undefined> {
  const { users } = deps;
  const byId = equalityLookupValue(filter, 'id');
  const userName = equalityLookupValue(filter, 'userName');
  const externalId = equalityLookupValue(filter, 'externalId');
  const email = equalityLookupValue(filter, 'emails.value');
  let id: string | undefined;
  if (byId !== undefined) id = byId;
  else if (userName !== undefined)
    // A person SCIM has not provisioned goes by their email (scimUserName).
    id = (await users.idByScimUserName(userName)) ?? (await users.idByEmail(userName));
  else if (externalId !== undefined) id = await users.idByExternalId(externalId);
  else if (email !== undefined) id = await users.idByEmail(email);
  else return undefined;
  const user = id === undefined ? undefined : await users.get(id);
  return user ? [user] : [];
}

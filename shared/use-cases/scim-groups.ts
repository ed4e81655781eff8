/**
 * Groups through SCIM (/scim/v2/Groups): an identity provider's groups are the LMS's static cohorts, and
 * their members change through the cohorts' own member writes (`addStaticMembers`, `removeStaticMembers`),
 * so the `cohort.member_*` events follow and cohort sync enrolls a new member in the courses the cohort is
 * linked to (and settles a leaver as the link says). Rule cohorts are not Groups: their rule decides their
 * members.
 *
 * Steps of a write: read the resource (a POST or PUT body), or apply a PATCH to the group as far as it
 * reaches (the members its operations name, read one batch at a time; every member only when an operation
 * reaches them all) -> the members it adds and removes, at most MAX_MEMBERS_PER_REQUEST (`tooMany`), each an
 * existing person (`invalidValue`) -> rename (409 `uniqueness` when another cohort has the name) -> members.
 */
import type { Cohort } from '../domain/cohort.ts';
import { NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { ScimError } from '../scim/errors.ts';
import { equalityLookupValue, matchesScimFilter, parseScimFilter, type ScimFilter } from '../scim/filter.ts';
import {
  membersTouched,
  type ScimGroupFields,
  scimGroup,
  scimGroupFields,
  tooManyCheck,
} from '../scim/groups.ts';
import { applyScimPatch } from '../scim/patch.ts';
import { readScimResource } from '../scim/resource.ts';
import { GROUP_FILTER_ATTRIBUTES, GROUP_RESOURCE_TYPE } from '../scim/schema.ts';
import {
  addStaticMembers,
  type CohortDeps,
  createCohort,
  deleteStaticCohort,
  removeStaticMembers,
  updateCohort,
} from './cohorts.ts';
import type { ResultWindow } from './scim-users.ts';

/** A group as the use cases answer it: the cohort, and its members' ids when they were asked for. */
export interface ScimGroupView {
  cohort: Cohort;
  memberIds: string[] | undefined;
}

/** POST /Groups: a new static cohort, with the members given. */
export async function provisionGroup(deps: CohortDeps, actor: Actor, body: unknown): Promise<ScimGroupView> {
  const fields = scimGroupFields(readScimResource(body, GROUP_RESOURCE_TYPE));
  tooManyCheck(fields.memberIds.length);
  await checkPeople(deps, fields.memberIds);
  const cohort = await createCohort(deps, actor, {
    name: fields.name,
    kind: 'static',
    ...(fields.externalId === null ? {} : { externalId: fields.externalId }),
  });
  if (fields.memberIds.length > 0) await addStaticMembers(deps, actor, cohort.id, fields.memberIds);
  return { cohort: (await deps.cohorts.get(cohort.id)) ?? cohort, memberIds: fields.memberIds };
}

/** GET /Groups/{id}: the static cohort, with every member's id when `withMembers` (else none is read). */
export async function scimGroupById(
  deps: CohortDeps,
  id: string,
  withMembers: boolean,
): Promise<ScimGroupView> {
  const cohort = await staticCohort(deps, id);
  return { cohort, memberIds: withMembers ? await deps.cohorts.allMemberIds(id) : undefined };
}

/**
 * GET /Groups: the static cohorts a filter finds (all without one), by name, and how many there are.
 * `id`, `displayName`, `externalId` and a member's `value` equality are looked up by index; a filter on
 * members reads, for each candidate, only the members it names (or all of them, for other tests of members).
 */
export async function findScimGroups(
  deps: CohortDeps,
  filterText: string | undefined,
  window: ResultWindow,
  withMembers: boolean,
): Promise<{ total: number; groups: ScimGroupView[] }> {
  const filter = filterText === undefined ? undefined : parseScimFilter(filterText, GROUP_FILTER_ATTRIBUTES);
  const candidates = (filter && (await lookedUp(deps, filter))) ?? (await deps.cohorts.staticCohorts());
  const found: Cohort[] = [];
  for (const cohort of candidates) {
    if (cohort.kind !== 'static') continue;
    if (
      !filter ||
      matchesScimFilter(filter, scimGroup(cohort, await membersFor(deps, cohort.id, filter), ''))
    )
      found.push(cohort);
  }
  const start = window.startIndex - 1;
  const page = found.slice(start, start + window.count);
  const groups = await Promise.all(
    page.map(async (cohort) => ({
      cohort,
      memberIds: withMembers ? await deps.cohorts.allMemberIds(cohort.id) : undefined,
    })),
  );
  return { total: found.length, groups };
}

/** PUT /Groups/{id}: name, external id and the whole membership replaced. */
export async function replaceScimGroup(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  body: unknown,
): Promise<Cohort> {
  const cohort = await staticCohort(deps, id, expectedVersion);
  const fields = scimGroupFields(readScimResource(body, GROUP_RESOURCE_TYPE));
  tooManyCheck(fields.memberIds.length);
  const current = await deps.cohorts.allMemberIds(id);
  return change(deps, actor, cohort, current, fields);
}

/** PATCH /Groups/{id}: the operations applied to the group as far as they reach, all or nothing. */
export async function patchScimGroup(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  operations: readonly unknown[],
): Promise<Cohort> {
  const cohort = await staticCohort(deps, id, expectedVersion);
  const touched = membersTouched(operations);
  if (!touched.all) tooManyCheck(touched.ids.length);
  const known = touched.all
    ? await deps.cohorts.allMemberIds(id)
    : await deps.cohorts.membersAmong(id, touched.ids);
  // The members outside `known` are out of the operations' reach: the result holds them as they are.
  const patched = applyScimPatch(scimGroup(cohort, known, ''), operations, GROUP_RESOURCE_TYPE);
  return change(deps, actor, cohort, known, scimGroupFields(patched));
}

/** DELETE /Groups/{id}: the cohort is unlinked from its courses (enrollments stay), emptied and deleted. */
export async function deleteScimGroup(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  await staticCohort(deps, id);
  await deleteStaticCohort(deps, actor, id, expectedVersion);
}

/** The members `known` (those the request could reach) become `fields.memberIds`; the name and id follow. */
async function change(
  deps: CohortDeps,
  actor: Actor,
  cohort: Cohort,
  known: readonly string[],
  fields: ScimGroupFields,
): Promise<Cohort> {
  const wanted = new Set(fields.memberIds);
  const added = fields.memberIds.filter((userId) => !known.includes(userId));
  const removed = known.filter((userId) => !wanted.has(userId));
  tooManyCheck(added.length + removed.length);
  await checkPeople(deps, added);
  let after = cohort;
  if (fields.name !== cohort.name || fields.externalId !== cohort.externalId) {
    after = await updateCohort(deps, actor, cohort.id, cohort.version, {
      name: fields.name,
      externalId: fields.externalId,
    });
  }
  if (added.length > 0) await addStaticMembers(deps, actor, cohort.id, added);
  if (removed.length > 0) await removeStaticMembers(deps, actor, cohort.id, removed);
  return after;
}

/** A static cohort (a rule cohort is no Group), at the version If-Match names when it names one. */
async function staticCohort(deps: CohortDeps, id: string, expectedVersion?: number): Promise<Cohort> {
  const cohort = await deps.cohorts.get(id);
  if (cohort?.kind !== 'static') throw new NotFoundError('Group', id);
  if (expectedVersion !== undefined && cohort.version !== expectedVersion)
    throw new StaleVersionError('Group', id, expectedVersion, cohort.version);
  return cohort;
}

/** Every member added must be a person SCIM knows: existing, and not deleted by the identity provider. */
async function checkPeople(deps: CohortDeps, userIds: readonly string[]): Promise<void> {
  const found = new Map((await deps.users.getMany(userIds)).map((user) => [user.id, user]));
  const missing = userIds.find((userId) => !found.get(userId) || found.get(userId)?.scim?.deletedAt);
  if (missing !== undefined) {
    throw new ScimError(400, 'invalidValue', `members: no User with id ${missing}; create it first.`);
  }
}

/** The members a filter needs to be evaluated on a cohort: none, those it names, or all. */
async function membersFor(
  deps: CohortDeps,
  cohortId: string,
  filter: ScimFilter,
): Promise<string[] | undefined> {
  const tests = memberTests(filter);
  if (tests === 'none') return undefined;
  if (tests === 'all') return deps.cohorts.allMemberIds(cohortId);
  return deps.cohorts.membersAmong(cohortId, tests);
}

/** What of `members` a filter tests: nothing, only `value eq` of these ids, or more (every member is needed). */
function memberTests(filter: ScimFilter): 'none' | 'all' | string[] {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const parts = filter.filters.map(memberTests);
      if (parts.includes('all')) return 'all';
      const ids = parts.flatMap((part) => (Array.isArray(part) ? part : []));
      return parts.every((part) => part === 'none') ? 'none' : ids;
    }
    case 'not':
      return memberTests(filter.filter);
    case 'valuePath':
      if (filter.attribute.attribute.name !== 'members') return 'none';
      return memberTests(filter.filter);
    case 'present':
      return filter.attribute.attribute.name === 'members' ? 'all' : 'none';
    case 'compare':
      if (filter.attribute.attribute.name !== 'members') return 'none';
      return filter.operator === 'eq' &&
        filter.attribute.subAttribute?.name === 'value' &&
        typeof filter.value === 'string'
        ? [filter.value]
        : 'all';
  }
}

/** The candidates of a filter an index finds, or undefined when none does. */
async function lookedUp(deps: CohortDeps, filter: ScimFilter): Promise<Cohort[] | undefined> {
  const { cohorts } = deps;
  const id = equalityLookupValue(filter, 'id');
  const name = equalityLookupValue(filter, 'displayName');
  const externalId = equalityLookupValue(filter, 'externalId');
  const member = equalityLookupValue(filter, 'members.value');
  let ids: (string | undefined)[];
  if (id !== undefined) ids = [id];
  else if (name !== undefined) ids = [await cohorts.idByName(name)];
  else if (externalId !== undefined) ids = [await cohorts.idByExternalId(externalId)];
  else if (member !== undefined) ids = (await cohorts.membershipsOf(member)).map((m) => m.cohortId);
  else return undefined;
  const found = await Promise.all(ids.flatMap((candidate) => (candidate ? [cohorts.get(candidate)] : [])));
  return found.filter((cohort): cohort is Cohort => cohort !== undefined);
}

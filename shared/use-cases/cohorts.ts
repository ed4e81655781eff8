/**
 * Cohorts: static ones list people by hand; rule cohorts hold exactly the active people their rule matches.
 * Membership is re-evaluated when a rule changes (whole organisation) and when one person changes (their
 * `user.*` and `cohort.member_*` events, through the reevaluate-cohorts job). Rules that reference other
 * cohorts are evaluated after those cohorts, and a reference that would close a cycle is refused.
 */

import { BATCH_SUFFIX } from '../domain/audit.ts';
import {
  type Cohort,
  type CohortMember,
  type CohortRule,
  type CreateCohortInput,
  newCohort,
  type RuleSubject,
  ruleMatches,
  ruleNodes,
  ruleSizeProblem,
  type UpdateCohortInput,
} from '../domain/cohort.ts';
import type { Department } from '../domain/department.ts';
import {
  BusinessRuleError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import type { User } from '../domain/user.ts';
import { accessScope, canSeeUser, type ScopeDeps } from './access-scope.ts';
import { auditChange } from './context.ts';
import type {
  CohortRepository,
  DepartmentRepository,
  Page,
  PageRequest,
  Runtime,
  UserRepository,
} from './ports.ts';

export interface CohortDeps extends ScopeDeps {
  cohorts: CohortRepository;
  users: Pick<UserRepository, 'get' | 'getMany' | 'all'>;
  departments: Pick<DepartmentRepository, 'get' | 'managedBy' | 'subtree'>;
  runtime: Runtime;
}

/** Steps: rule parses within limits -> its references exist -> who it matches -> confirm "everyone" -> create -> add members. */
export async function createCohort(
  deps: CohortDeps,
  actor: Actor,
  input: CreateCohortInput,
): Promise<Cohort> {
  const now = deps.runtime.now().toISOString();
  const cohort = newCohort(deps.runtime.newId(), now, input);
  let matched: string[] = [];
  if (cohort.rule) {
    await checkRule(deps, cohort.id, cohort.rule);
    matched = await whoMatches(deps, cohort.rule);
    await confirmEveryone(deps, matched, input.confirmMatchesEveryone);
  }
  await deps.cohorts.create(
    cohort,
    auditChange(deps.runtime, actor, 'cohort.created', `cohort:${cohort.id}`, null, cohort),
  );
  await changeMembers(deps, actor, 'add', cohort.id, matched, 'rule');
  // Read back: the re-evaluation job may have added some of them first (its events race this request).
  return (await deps.cohorts.get(cohort.id)) ?? cohort;
}

/** Steps: current version -> new rule checked (limits, references, no cycle, "everyone" confirmed) -> save -> reconcile members. */
export async function updateCohort(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  input: UpdateCohortInput,
): Promise<Cohort> {
  const before = await deps.cohorts.get(id);
  if (!before) throw new NotFoundError('cohort', id);
  if (before.version !== expectedVersion)
    throw new StaleVersionError('cohort', id, expectedVersion, before.version);
  if (input.rule && before.kind === 'static') {
    throw new InvalidInputError('A static cohort has no rule: create a rule cohort instead.', [
      { path: 'body.rule', message: 'static cohort' },
    ]);
  }
  let matched: string[] | undefined;
  if (input.rule) {
    await checkRule(deps, id, input.rule);
    matched = await whoMatches(deps, input.rule);
    await confirmEveryone(deps, matched, input.confirmMatchesEveryone);
  }
  const after: Cohort = {
    ...before,
    name: input.name ?? before.name,
    description: input.description ?? before.description,
    rule: input.rule ?? before.rule,
    externalId: input.externalId === undefined ? before.externalId : input.externalId,
    updatedAt: deps.runtime.now().toISOString(),
    version: before.version + 1,
  };
  await deps.cohorts.update(
    before,
    after,
    auditChange(deps.runtime, actor, 'cohort.updated', `cohort:${id}`, before, after),
  );
  if (matched) await reconcile(deps, actor, id, matched);
  const current = await deps.cohorts.get(id);
  return current ?? after;
}

/** Re-evaluates a rule cohort over everyone now (an administrator's "refresh", and the recovery of a crashed run). */
export async function reevaluateCohort(deps: CohortDeps, actor: Actor, id: string): Promise<Cohort> {
  const cohort = await deps.cohorts.get(id);
  if (!cohort) throw new NotFoundError('cohort', id);
  if (!cohort.rule)
    throw new InvalidInputError('A static cohort has no rule to evaluate.', [
      { path: 'params.id', message: 'static cohort' },
    ]);
  await reconcile(deps, actor, id, await whoMatches(deps, cohort.rule));
  return (await deps.cohorts.get(id)) ?? cohort;
}

/** Static cohorts only: adds existing people; one outcome per person. */
export async function addStaticMembers(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  userIds: readonly string[],
) {
  const cohort = await staticCohort(deps, id);
  const found = new Map((await deps.users.getMany(userIds)).map((user) => [user.id, user]));
  // Conditional writes skip those already in, so no read of the current members is needed.
  const wanted = userIds.filter((userId) => found.has(userId));
  const added = new Set(
    (await changeMembers(deps, actor, 'add', cohort.id, wanted, 'static')).map((member) => member.userId),
  );
  return userIds.map((userId) =>
    !found.has(userId)
      ? { userId, outcome: 'refused' as const, reason: 'no such user' }
      : added.has(userId)
        ? { userId, outcome: 'added' as const }
        : { userId, outcome: 'already-member' as const },
  );
}

export async function removeStaticMember(deps: CohortDeps, actor: Actor, id: string, userId: string) {
  const removed = await removeStaticMembers(deps, actor, id, [userId]);
  if (removed.length === 0) throw new NotFoundError('cohort member', `${id}/${userId}`);
}

/** Static cohorts only: removes those of these people who are members; returns who left. */
export async function removeStaticMembers(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  userIds: readonly string[],
): Promise<string[]> {
  const cohort = await staticCohort(deps, id);
  const removed = await changeMembers(deps, actor, 'remove', cohort.id, userIds, 'static');
  return removed.map((member) => member.userId);
}

/**
 * Steps: static cohorts only -> no rule cohort names it -> unlink its courses (as unlinking does, the
 * enrollments stay, with their cohort source) -> remove its members (their events change no enrollment now)
 * -> delete it with its name and external id, audited `cohort.deleted`.
 */
export async function deleteStaticCohort(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const cohort = await staticCohort(deps, id);
  if (expectedVersion !== undefined && cohort.version !== expectedVersion)
    throw new StaleVersionError('cohort', id, expectedVersion, cohort.version);
  const naming = (await deps.cohorts.ruleCohorts()).filter((rule) =>
    ruleNodes(rule.rule as CohortRule).some((node) => node.type === 'cohort' && node.cohortId === id),
  );
  if (naming.length > 0) {
    throw new ConflictError(
      `The rule cohorts ${naming.map((rule) => rule.name).join(', ')} include this cohort's members; change their rules first.`,
    );
  }
  for (const link of await deps.cohorts.links(id)) {
    await deps.cohorts.deleteLink(
      link,
      auditChange(deps.runtime, actor, 'cohort.course-unlinked', `cohort:${id}`, link, null),
    );
  }
  await changeMembers(deps, actor, 'remove', id, await deps.cohorts.allMemberIds(id), 'static');
  await deps.cohorts.delete(
    cohort,
    auditChange(deps.runtime, actor, 'cohort.deleted', `cohort:${id}`, cohort, null),
  );
}

export async function getCohort(deps: CohortDeps, id: string): Promise<Cohort> {
  const cohort = await deps.cohorts.get(id);
  if (!cohort) throw new NotFoundError('cohort', id);
  return cohort;
}

export function listCohorts(deps: CohortDeps, page: PageRequest): Promise<Page<Cohort>> {
  return deps.cohorts.list(page);
}

/** Admins see every member; managers the members within their department subtree. */
export async function listCohortMembers(
  deps: CohortDeps,
  actor: Actor,
  id: string,
  page: PageRequest,
): Promise<Page<CohortMember>> {
  await getCohort(deps, id);
  const result = await deps.cohorts.members(id, page);
  const scope = await accessScope(actor.principal, deps);
  if (scope.kind === 'everything') return result;
  const visible = new Set(
    (await deps.users.getMany(result.items.map((member) => member.userId)))
      .filter((user) => canSeeUser(scope, user))
      .map((user) => user.id),
  );
  return { ...result, items: result.items.filter((member) => visible.has(member.userId)) };
}

/** The cohorts a person is in (admins; managers within their subtree; learners their own). */
export async function listUserCohorts(deps: CohortDeps, actor: Actor, userId: string) {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeUser(scope, user)) throw new OutOfScopeError(`The user ${userId} is outside what you may see.`);
  const memberships = await deps.cohorts.membershipsOf(userId);
  const cohorts = await Promise.all(memberships.map((member) => deps.cohorts.get(member.cohortId)));
  return memberships.flatMap((member, index) => {
    const cohort = cohorts[index];
    return cohort ? [{ ...member, cohortName: cohort.name }] : [];
  });
}

/**
 * One person changed (or a cohort they are in did): every rule cohort is evaluated for them, referenced
 * cohorts first, and they join or leave accordingly. Suspended or deleted people match no rule.
 */
export async function reevaluatePerson(
  deps: CohortDeps,
  actor: Actor,
  userId: string,
): Promise<{ joined: string[]; left: string[] }> {
  const user = await deps.users.get(userId);
  const ruleCohorts = evaluationOrder(await deps.cohorts.ruleCohorts());
  const memberships = new Set((await deps.cohorts.membershipsOf(userId)).map((member) => member.cohortId));
  const subject = user?.status === 'active' ? await ruleSubject(deps, user, memberships) : undefined;
  const joined: string[] = [];
  const left: string[] = [];
  for (const cohort of ruleCohorts) {
    const rule = cohort.rule as CohortRule;
    const matches = subject !== undefined && ruleMatches(rule, subject);
    const isMember = memberships.has(cohort.id);
    if (matches && !isMember) {
      if ((await changeMembers(deps, actor, 'add', cohort.id, [userId], 'rule')).length > 0)
        joined.push(cohort.id);
      memberships.add(cohort.id);
    } else if (!matches && isMember) {
      if ((await changeMembers(deps, actor, 'remove', cohort.id, [userId], 'rule')).length > 0)
        left.push(cohort.id);
      memberships.delete(cohort.id);
    }
  }
  return { joined, left };
}

/** Someone joined or left a cohort: only rule cohorts that reference it can change for them. */
export async function reevaluateAfterMembership(
  deps: CohortDeps,
  actor: Actor,
  cohortId: string,
  userId: string,
): Promise<void> {
  const dependents = (await deps.cohorts.ruleCohorts()).filter((cohort) =>
    ruleNodes(cohort.rule as CohortRule).some((node) => node.type === 'cohort' && node.cohortId === cohortId),
  );
  if (dependents.length > 0) await reevaluatePerson(deps, actor, userId);
}

/** A department moved: rule cohorts that test departments are re-evaluated over everyone. */
export async function reevaluateDepartmentRules(deps: CohortDeps, actor: Actor): Promise<void> {
  for (const cohort of evaluationOrder(await deps.cohorts.ruleCohorts())) {
    if (!cohort.rule || !ruleNodes(cohort.rule).some((node) => node.type === 'department')) continue;
    await reconcile(deps, actor, cohort.id, await whoMatches(deps, cohort.rule));
  }
}

// ---------------------------------------------------------------------------------------------------------

async function staticCohort(deps: CohortDeps, id: string): Promise<Cohort> {
  const cohort = await getCohort(deps, id);
  if (cohort.kind !== 'static') {
    throw new InvalidInputError(`${cohort.name} is a rule cohort: its rule decides its members.`, [
      { path: 'params.id', message: 'rule cohort' },
    ]);
  }
  return cohort;
}

/** Size limits, then every department, manager and cohort the rule names exists, then no cycle of cohorts. */
async function checkRule(deps: CohortDeps, cohortId: string, rule: CohortRule): Promise<void> {
  const size = ruleSizeProblem(rule);
  if (size)
    throw new InvalidInputError(`The rule is too large: ${size}.`, [{ path: 'body.rule', message: size }]);
  const problems: { path: string; message: string }[] = [];
  for (const node of ruleNodes(rule)) {
    if (node.type === 'department' && !(await deps.departments.get(node.departmentId)))
      problems.push({ path: 'body.rule', message: `no department ${node.departmentId}` });
    if (node.type === 'manager' && !(await deps.users.get(node.userId)))
      problems.push({ path: 'body.rule', message: `no person ${node.userId}` });
    if (node.type === 'cohort' && node.cohortId !== cohortId && !(await deps.cohorts.get(node.cohortId)))
      problems.push({ path: 'body.rule', message: `no cohort ${node.cohortId}` });
  }
  if (problems.length > 0)
    throw new InvalidInputError(
      `The rule names what does not exist: ${problems.map((p) => p.message).join(', ')}.`,
      problems,
    );
  const cycle = await cohortCycle(deps, cohortId, rule);
  if (cycle) {
    throw new BusinessRuleError(`The rule would make cohorts include each other: ${cycle.join(' -> ')}.`, [
      { path: 'body.rule', message: 'cycle of cohort references' },
    ]);
  }
}

/** The chain of cohort names from `cohortId` back to itself through `cohort` conditions, if there is one. */
async function cohortCycle(
  deps: CohortDeps,
  cohortId: string,
  rule: CohortRule,
): Promise<string[] | undefined> {
  const names = new Map<string, string>();
  const nameOf = async (id: string) => {
    if (!names.has(id)) names.set(id, (await deps.cohorts.get(id))?.name ?? id);
    return names.get(id) as string;
  };
  const references = (node: CohortRule) =>
    ruleNodes(node).flatMap((child) => (child.type === 'cohort' ? [child.cohortId] : []));
  const visit = async (id: string, chain: string[], seen: Set<string>): Promise<string[] | undefined> => {
    if (id === cohortId) return chain;
    if (seen.has(id)) return undefined;
    seen.add(id);
    const next = (await deps.cohorts.get(id))?.rule;
    for (const reference of next ? references(next) : []) {
      const found = await visit(reference, [...chain, await nameOf(reference)], seen);
      if (found) return found;
    }
    return undefined;
  };
  const self = await nameOf(cohortId).catch(() => cohortId);
  for (const reference of references(rule)) {
    const found = await visit(reference, [self, await nameOf(reference)], new Set());
    if (found) return found;
  }
  return undefined;
}

/** Rule cohorts ordered so that a cohort comes after the cohorts its rule references. */
function evaluationOrder(cohorts: Cohort[]): Cohort[] {
  const byId = new Map(cohorts.map((cohort) => [cohort.id, cohort]));
  const ordered: Cohort[] = [];
  const placed = new Set<string>();
  const place = (cohort: Cohort, path: Set<string>) => {
    if (placed.has(cohort.id) || path.has(cohort.id)) return;
    path.add(cohort.id);
    for (const node of cohort.rule ? ruleNodes(cohort.rule) : []) {
      const referenced = node.type === 'cohort' ? byId.get(node.cohortId) : undefined;
      if (referenced) place(referenced, path);
    }
    placed.add(cohort.id);
    ordered.push(cohort);
  };
  for (const cohort of cohorts) place(cohort, new Set());
  return ordered;
}

/** Ids of the active people the rule matches now. */
async function whoMatches(deps: CohortDeps, rule: CohortRule): Promise<string[]> {
  const everyone = (await deps.users.all()).filter((user) => user.status === 'active');
  const referenced = [
    ...new Set(ruleNodes(rule).flatMap((node) => (node.type === 'cohort' ? [node.cohortId] : []))),
  ];
  const membersOf = new Map<string, Set<string>>();
  for (const cohortId of referenced)
    membersOf.set(cohortId, new Set(await deps.cohorts.allMemberIds(cohortId)));
  const lineages = new Map<string, Promise<ReadonlySet<string>>>();
  const today = deps.runtime.now().toISOString().slice(0, 10);
  const matched: string[] = [];
  for (const user of everyone) {
    const cohortIds = new Set(referenced.filter((cohortId) => membersOf.get(cohortId)?.has(user.id)));
    const subject: RuleSubject = {
      user,
      departmentLineage: await lineage(deps, user.departmentId, lineages),
      cohortIds,
      today,
    };
    if (ruleMatches(rule, subject)) matched.push(user.id);
  }
  return matched;
}

async function ruleSubject(
  deps: CohortDeps,
  user: User,
  cohortIds: ReadonlySet<string>,
): Promise<RuleSubject> {
  return {
    user,
    departmentLineage: await lineage(deps, user.departmentId, new Map()),
    cohortIds,
    today: deps.runtime.now().toISOString().slice(0, 10),
  };
}

/** The department and every department above it (cached per evaluation: many people share a department). */
function lineage(
  deps: CohortDeps,
  departmentId: string | null,
  cache: Map<string, Promise<ReadonlySet<string>>>,
): Promise<ReadonlySet<string>> {
  if (!departmentId) return Promise.resolve(new Set());
  let found = cache.get(departmentId);
  if (!found) {
    found = deps.departments
      .get(departmentId)
      .then(
        (department: Department | undefined) =>
          new Set(department ? [...department.ancestorIds, department.id] : []),
      );
    cache.set(departmentId, found);
  }
  return found;
}

/** A rule that matches every active person (there being any) needs `confirmMatchesEveryone: true`. */
async function confirmEveryone(deps: CohortDeps, matched: readonly string[], confirmed: boolean | undefined) {
  if (matched.length === 0 || confirmed) return;
  const active = (await deps.users.all()).filter((user) => user.status === 'active').length;
  if (matched.length < active) return;
  throw new BusinessRuleError(
    `The rule matches all ${active} active people. If that is intended, send confirmMatchesEveryone: true.`,
    [{ path: 'body.confirmMatchesEveryone', message: 'required: the rule matches everyone' }],
  );
}

/** Makes the cohort's members exactly `matched`. */
async function reconcile(deps: CohortDeps, actor: Actor, cohortId: string, matched: readonly string[]) {
  const current = new Set(await deps.cohorts.allMemberIds(cohortId));
  const wanted = new Set(matched);
  await changeMembers(
    deps,
    actor,
    'add',
    cohortId,
    matched.filter((userId) => !current.has(userId)),
    'rule',
  );
  await changeMembers(
    deps,
    actor,
    'remove',
    cohortId,
    [...current].filter((userId) => !wanted.has(userId)),
    'rule',
  );
}

/** Adds (or removes) these people as members, in batches; returns who really joined (or left). */
function changeMembers(
  deps: CohortDeps,
  actor: Actor,
  change: 'add' | 'remove',
  cohortId: string,
  userIds: readonly string[],
  via: Cohort['kind'],
) {
  const now = deps.runtime.now().toISOString();
  const by = actor.principal.email ?? actor.principal.sub;
  const members = userIds.map(
    (userId): CohortMember => ({ cohortId, userId, via, addedAt: now, addedBy: by }),
  );
  return change === 'add'
    ? deps.cohorts.addMembers(members, (batch) => memberAudit(deps, actor, 'cohort.member_added', batch))
    : deps.cohorts.removeMembers(members, (batch) =>
        memberAudit(deps, actor, 'cohort.member_removed', batch),
      );
}

/** One audit record per batch of members, which the event publisher turns into one event per person. */
function memberAudit(deps: CohortDeps, actor: Actor, action: MemberAction, batch: readonly CohortMember[]) {
  const change = memberBatchChange(action, batch);
  return auditChange(deps.runtime, actor, change.action, change.target, change.before, change.after);
}

type MemberAction = 'cohort.member_added' | 'cohort.member_removed';

/** What the audit record of a batch of members says (the API's member changes, and an import's). */
export function memberBatchChange(action: MemberAction, batch: readonly CohortMember[]) {
  const cohortId = batch[0]?.cohortId ?? '';
  const adding = action === 'cohort.member_added';
  const items = batch.map((member) => ({
    subject: `cohort:${member.cohortId}:${member.userId}`,
    before: adding ? null : member,
    after: adding ? member : null,
  }));
  return { action: `${action}${BATCH_SUFFIX}`, target: `cohort:${cohortId}`, before: null, after: { items } };
}

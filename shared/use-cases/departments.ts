/**
 * Departments: the organisation tree. A department knows its ancestors (materialised path), so a subtree is
 * one key range; moving a department rewrites its subtree in the same transaction as the move.
 */

import { Id } from '../domain/common.ts';
import {
  type CreateDepartmentInput,
  type Department,
  MAX_DEPARTMENT_DEPTH,
  type UpdateDepartmentInput,
} from '../domain/department.ts';
import { BusinessRuleError, NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { accessScope, canSeeDepartment, outOfScope } from './access-scope.ts';
import { auditChange } from './context.ts';
import type { DepartmentRepository, Page, PageRequest, Runtime, UserRepository } from './ports.ts';

export interface DepartmentDeps {
  departments: DepartmentRepository;
  users: UserRepository;
  runtime: Runtime;
}

/** A move rewrites the subtree in one transaction; leave room for the department, parents, claims and audit. */
export const MAX_SUBTREE_TO_MOVE = 90;

/** Steps: load the parent (if any) -> check depth -> write with the parent's child count and audit. */
export async function createDepartment(
  deps: DepartmentDeps,
  actor: Actor,
  input: CreateDepartmentInput,
): Promise<Department> {
  const parent = input.parentId ? await requireDepartment(deps, input.parentId, 'parentId') : undefined;
  const ancestorIds = parent ? [...parent.ancestorIds, parent.id] : [];
  if (ancestorIds.length >= MAX_DEPARTMENT_DEPTH) {
    throw new BusinessRuleError(`Departments nest at most ${MAX_DEPARTMENT_DEPTH} levels deep.`, [
      { path: 'body.parentId', message: 'too deep' },
    ]);
  }
  const now = deps.runtime.now().toISOString();
  const department: Department = {
    id: deps.runtime.newId(),
    name: input.name,
    parentId: parent?.id ?? null,
    managerId: input.managerId ?? null,
    ancestorIds,
    memberCount: 0,
    childCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.departments.create(
    department,
    parent,
    audit(deps, actor, 'department.created', null, department),
  );
  return department;
}

export async function getDepartment(deps: DepartmentDeps, actor: Actor, id: string): Promise<Department> {
  const department = await deps.departments.get(id);
  if (!department) throw new NotFoundError('department', id);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeDepartment(scope, id)) throw outOfScope('department', id);
  return department;
}

export async function listDepartments(
  deps: DepartmentDeps,
  actor: Actor,
  filter: { parentId?: string | undefined },
  page: PageRequest,
): Promise<Page<Department>> {
  const scope = await accessScope(actor.principal, deps);
  if (scope.kind === 'everything') return deps.departments.list(filter, page);
  if (scope.departmentIds.size === 0) return { items: [], nextCursor: null };
  return deps.departments.list({ ...filter, withinDepartments: [...scope.departmentIds] }, page);
}

/**
 * Steps: load at the If-Match version -> if moving: refuse cycles and over-deep trees, load the subtree and
 * re-root it -> write department, subtree, parents' counts and audit in one transaction.
 */
export async function updateDepartment(
  deps: DepartmentDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  changes: UpdateDepartmentInput,
): Promise<Department> {
  const before = await requireDepartment(deps, id);
  if (before.version !== expectedVersion)
    throw new StaleVersionError('department', id, expectedVersion, before.version);
  const moving = changes.parentId !== undefined && changes.parentId !== before.parentId;
  let ancestorIds = before.ancestorIds;
  let descendants: Department[] = [];
  let newParent: Department | undefined;
  if (moving) {
    newParent = changes.parentId ? await requireDepartment(deps, changes.parentId, 'parentId') : undefined;
    if (newParent && (newParent.id === id || newParent.ancestorIds.includes(id))) {
      const names = await cycleNames(deps, before, newParent);
      throw new BusinessRuleError(
        `Moving ${before.name} under ${newParent.name} would make a cycle: ${names}.`,
        [{ path: 'body.parentId', message: 'is this department or one of its descendants' }],
      );
    }
    ancestorIds = newParent ? [...newParent.ancestorIds, newParent.id] : [];
    const subtree = await deps.departments.subtree(before);
    descendants = subtree.filter((department) => department.id !== id);
    if (descendants.length > MAX_SUBTREE_TO_MOVE) {
      throw new BusinessRuleError(
        `${before.name} has ${descendants.length} sub-departments; a move can carry at most ${MAX_SUBTREE_TO_MOVE}. Move its branches first.`,
        [{ path: 'body.parentId', message: 'subtree too large to move at once' }],
      );
    }
    const deepest = Math.max(0, ...descendants.map((d) => d.ancestorIds.length - before.ancestorIds.length));
    if (ancestorIds.length + deepest >= MAX_DEPARTMENT_DEPTH) {
      throw new BusinessRuleError(
        `After the move the tree would nest deeper than ${MAX_DEPARTMENT_DEPTH} levels.`,
        [{ path: 'body.parentId', message: 'too deep' }],
      );
    }
    const newPrefix = [...ancestorIds, id];
    const oldPrefixLength = before.ancestorIds.length + 1;
    descendants = descendants.map((descendant) => ({
      ...descendant,
      ancestorIds: [...newPrefix, ...descendant.ancestorIds.slice(oldPrefixLength)],
    }));
  }
  const after: Department = {
    ...before,
    name: changes.name ?? before.name,
    managerId: changes.managerId !== undefined ? changes.managerId : before.managerId,
    parentId: moving ? (changes.parentId ?? null) : before.parentId,
    ancestorIds,
    updatedAt: deps.runtime.now().toISOString(),
    version: before.version + 1,
  };
  await deps.departments.update(
    { before, after, descendants, newParent },
    audit(deps, actor, 'department.updated', before, after),
  );
  return after;
}

/** Steps: load -> refuse while it has people or sub-departments (checked again by the conditional delete). */
export async function deleteDepartment(
  deps: DepartmentDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const department = await requireDepartment(deps, id);
  if (expectedVersion !== undefined && department.version !== expectedVersion) {
    throw new StaleVersionError('department', id, expectedVersion, department.version);
  }
  await deps.departments.delete(department, audit(deps, actor, 'department.deleted', department, null));
}

async function requireDepartment(deps: DepartmentDeps, id: string, field?: string): Promise<Department> {
  const department = await deps.departments.get(id);
  if (department) return department;
  if (!field) throw new NotFoundError('department', id);
  throw new BusinessRuleError(`No department with id ${id}.`, [
    { path: `body.${field}`, message: 'no such department' },
  ]);
}

async function cycleNames(deps: DepartmentDeps, moved: Department, newParent: Department): Promise<string> {
  const chain = newParent.ancestorIds.slice(newParent.ancestorIds.indexOf(moved.id));
  const names: string[] = [];
  for (const ancestorId of chain) names.push((await deps.departments.get(ancestorId))?.name ?? ancestorId);
  if (newParent.id !== moved.id) names.push(newParent.name);
  return [...names, moved.name].join(' > ');
}

function audit(
  deps: DepartmentDeps,
  actor: Actor,
  action: string,
  before: Department | null,
  after: Department | null,
) {
  const id = (after ?? before)?.id ?? '';
  return auditChange(deps.runtime, actor, action, `department:${id}`, before, after);
}

/** How an identity provider's department value was matched to an LMS department, or why it was not. */
export type DepartmentMatch =
  | { matched: true; departmentId: string; by: 'id' | 'name' | 'path' }
  | { matched: false; reason: string };

/**
 * The LMS department an identity provider's department value stands for (a first SSO sign-in's
 * `custom:department`, SCIM's enterprise `department`): the department with that id; else the one department
 * anywhere in the tree with that name; else, for a value with `/`, the department at that path of names from
 * the root (`Sales/Sales EMEA`). Names compare ignoring case and surrounding whitespace. Names are unique
 * only among siblings, so a name two departments share matches neither; departments have no external code.
 * @example matchDepartment(departments, ' sales emea ') // { matched: true, departmentId: '…', by: 'name' }
 */
export async function matchDepartment(
  departments: Pick<DepartmentRepository, 'get' | 'named'>,
  raw: string | undefined,
): Promise<DepartmentMatch> {
  const value = raw?.trim();
  if (!value) return { matched: false, reason: 'the identity provider sent no department' };
  if (Id.safeParse(value).success) {
    const byId = await departments.get(value.toLowerCase());
    if (byId) return { matched: true, departmentId: byId.id, by: 'id' };
  }
  const named = await departments.named(value);
  const [only] = named;
  if (only && named.length === 1) return { matched: true, departmentId: only.id, by: 'name' };
  if (named.length === 0 && value.includes('/')) return matchPath(departments, value);
  return {
    matched: false,
    reason:
      named.length === 0
        ? `no department named "${value}"`
        : `${named.length} departments are named "${value}"`,
  };
}

/** `Sales/Sales EMEA`: the department named by the last segment whose ancestors are named by the others. */
async function matchPath(
  departments: Pick<DepartmentRepository, 'get' | 'named'>,
  value: string,
): Promise<DepartmentMatch> {
  const names = value.split('/').map((name) => name.trim().toLowerCase());
  const last = names.at(-1) ?? '';
  const candidates = last === '' ? [] : await departments.named(last);
  for (const candidate of candidates) {
    if (candidate.ancestorIds.length !== names.length - 1) continue;
    const ancestors = await Promise.all(candidate.ancestorIds.map((id) => departments.get(id)));
    if (ancestors.every((ancestor, index) => ancestor?.name.trim().toLowerCase() === names[index]))
      return { matched: true, departmentId: candidate.id, by: 'path' };
  }
  return { matched: false, reason: `no department at the path "${value}"` };
}

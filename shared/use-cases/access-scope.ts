/**
 * Resource-level access, in one place. The manifest already let the caller's role in; this decides which
 * people and departments that caller may see or touch:
 * - admin, and machine clients: everything
 * - manager: the department subtrees of the departments they manage
 * - learner: themselves
 * Roles combine: a manager who is also an admin sees everything.
 */
import { OutOfScopeError } from '../domain/errors.ts';
import { actsOrganisationWide, type Principal } from '../domain/principal.ts';
import type { User } from '../domain/user.ts';
import type { DepartmentRepository } from './ports.ts';

export type AccessScope =
  | { kind: 'everything' }
  | { kind: 'limited'; departmentIds: ReadonlySet<string>; selfId: string | undefined };

export interface ScopeDeps {
  departments: Pick<DepartmentRepository, 'managedBy' | 'subtree'>;
}

/** The caller is the profile their login is linked to (`principal.userId`), never whoever has their email. */
export async function accessScope(principal: Principal, deps: ScopeDeps): Promise<AccessScope> {
  if (actsOrganisationWide(principal)) return { kind: 'everything' };
  const selfId = principal.userId ?? undefined;
  const departmentIds = new Set<string>();
  if (principal.roles.includes('manager') && selfId) {
    for (const managed of await deps.departments.managedBy(selfId)) {
      for (const department of await deps.departments.subtree(managed)) departmentIds.add(department.id);
    }
  }
  return { kind: 'limited', departmentIds, selfId };
}

export function canSeeUser(scope: AccessScope, user: Pick<User, 'id' | 'departmentId'>): boolean {
  if (scope.kind === 'everything') return true;
  if (user.id === scope.selfId) return true;
  return user.departmentId !== null && scope.departmentIds.has(user.departmentId);
}

export function canSeeDepartment(scope: AccessScope, departmentId: string): boolean {
  return scope.kind === 'everything' || scope.departmentIds.has(departmentId);
}

export function outOfScope(kind: string, id: string): OutOfScopeError {
  return new OutOfScopeError(`The ${kind} ${id} is outside the departments you manage.`);
}

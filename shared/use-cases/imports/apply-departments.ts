/**
 * Departments in apply and undo (a Canvas SIS zip's accounts). An import only creates departments: each is
 * written with its name claim among its siblings, its parent's count of sub-departments and the audit record
 * of the API's create (`department.created`), after its parent (one the LMS has, or one the import created
 * earlier). Undo removes each one the import created while it is as the import left it, with no people and
 * no sub-departments (`department.deleted`, as the API's delete), sub-departments before their parents (undo
 * goes back from the last change), so the tree after undo is the tree before.
 */
import type { AuditRecord } from '../../domain/audit.ts';
import { Department } from '../../domain/department.ts';
import type { RowNote } from '../../domain/import.ts';
import type { Runtime } from '../ports.ts';
import { type ChangeKind, importAudit } from './changes.ts';
import type { DepartmentBulk, DepartmentCreation } from './ports.ts';

export interface DepartmentChangeDeps {
  departmentBulk: DepartmentBulk;
  runtime: Runtime;
}

export function departmentChanges(deps: DepartmentChangeDeps): ChangeKind<DepartmentCreation> {
  return {
    key: (change) => change.after.name,

    async written(changes) {
      const current = await deps.departmentBulk.current(changes.map((change) => change.after.id));
      return new Set(
        changes
          .filter((change) => same(current.get(change.after.id), change.after))
          .map((change) => change.seq),
      );
    },

    write(changes, run) {
      return deps.departmentBulk.create(
        changes,
        changes.map((change) =>
          importAudit(deps.runtime, run, String(change.seq), {
            action: 'department.created',
            target: `department:${change.after.id}`,
            before: null,
            after: change.after,
          }),
        ),
      );
    },

    async undo(changes, run) {
      const current = await deps.departmentBulk.current(changes.map((change) => change.after.id));
      const removals: { seq: number; department: Department }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      // Sub-departments this undo removes before their parent (it is given the last change first).
      const leaving = new Map<string, number>();
      for (const change of changes) {
        const present = current.get(change.after.id);
        // Removed already, by an earlier run of this undo (or through the API: either way it is gone).
        if (!present) {
          restored++;
          continue;
        }
        const reason = !same(present, change.after)
          ? `changed since the import (now at version ${present.version}): left as it is`
          : present.memberCount > 0 || present.childCount > (leaving.get(present.id) ?? 0)
            ? `it has ${present.memberCount} people and ${present.childCount - (leaving.get(present.id) ?? 0)} other sub-departments now: left as it is (move them first)`
            : undefined;
        if (reason) {
          refused.push({ line: change.line, key: present.name, reason });
          continue;
        }
        removals.push({ seq: change.seq, department: present });
        if (present.parentId) leaving.set(present.parentId, (leaving.get(present.parentId) ?? 0) + 1);
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: 'department.deleted',
            target: `department:${present.id}`,
            before: present,
            after: null,
          }),
        );
      }
      const failed = await deps.departmentBulk.remove(removals, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const { seq, department } of removals) {
        const reason = failed.get(seq);
        if (reason === undefined) restored++;
        else refused.push({ line: lines.get(seq) ?? 0, key: department.name, reason });
      }
      return { restored, refused };
    },
  };
}

/**
 * Whether the department is as the import wrote it: its own fields and version. Its counts are not the
 * import's: people join and sub-departments are made without a new version.
 */
function same(present: Department | undefined, written: Department): boolean {
  if (!present) return false;
  const own = (department: Department) => {
    const { memberCount: _members, childCount: _children, ...rest } = Department.parse(department);
    return rest;
  };
  return JSON.stringify(own(present)) === JSON.stringify(own(written));
}

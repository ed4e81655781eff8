import { describe, expect, it } from 'vitest';
import { BusinessRuleError, ConflictError, StaleVersionError } from '../../shared/domain/errors.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import {
  createDepartment,
  deleteDepartment,
  listDepartments,
  updateDepartment,
} from '../../shared/use-cases/departments.ts';
import { createUser, updateUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const ports = organisationPorts();
const admin = actor(['admin']);
const department = (name: string, parentId?: string) => createDepartment(ports, admin, { name, parentId });

describe('departments, against DynamoDB Local', () => {
  it('builds a tree whose ancestors and child counts follow', async () => {
    const root = await department(uniqueName('Root'));
    const child = await department('Child', root.id);
    const grandchild = await department('Grandchild', child.id);
    expect(grandchild.ancestorIds).toEqual([root.id, child.id]);
    expect((await ports.departments.get(root.id))?.childCount).toBe(1);
    expect((await ports.departments.subtree(root)).map((d) => d.id)).toEqual([
      root.id,
      child.id,
      grandchild.id,
    ]);
    const children = await listDepartments(ports, admin, { parentId: root.id }, { limit: 10 });
    expect(children.items.map((d) => d.id)).toEqual([child.id]);
  });

  it('keeps sibling names unique, in any case, but allows the same name elsewhere', async () => {
    const root = await department(uniqueName('Names'));
    await department('Support', root.id);
    await expect(department('SUPPORT', root.id)).rejects.toBeInstanceOf(ConflictError);
    const other = await department(uniqueName('Names'));
    await expect(department('Support', other.id)).resolves.toMatchObject({ name: 'Support' });
  });

  it('moves a subtree, rewriting every descendant, and refuses a cycle naming it', async () => {
    // Prepare
    const a = await department(uniqueName('A'));
    const b = await department('B', a.id);
    const c = await department('C', b.id);
    const target = await department(uniqueName('Target'));
    // Act
    const moved = await updateDepartment(ports, admin, b.id, b.version, { parentId: target.id });
    // Assess
    expect(moved.ancestorIds).toEqual([target.id]);
    expect((await ports.departments.get(c.id))?.ancestorIds).toEqual([target.id, b.id]);
    expect((await ports.departments.get(a.id))?.childCount).toBe(0);
    expect((await ports.departments.get(target.id))?.childCount).toBe(1);
    const cycle = updateDepartment(ports, admin, target.id, target.version, { parentId: c.id });
    await expect(cycle).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(cycle).rejects.toThrow(/cycle: .*B > C > .*Target/);
    await expect(updateDepartment(ports, admin, b.id, b.version, { name: 'Stale' })).rejects.toBeInstanceOf(
      StaleVersionError,
    );
  });

  it('refuses to delete a department with people or children, and deletes an empty one', async () => {
    const parent = await department(uniqueName('Parent'));
    const child = await department('Leaf', parent.id);
    const user = await createUser(ports, admin, {
      email: uniqueEmail(),
      givenName: 'In',
      familyName: 'Leaf',
      departmentId: child.id,
    });
    await expect(deleteDepartment(ports, admin, parent.id, undefined)).rejects.toThrow(/1 sub-departments/);
    await expect(deleteDepartment(ports, admin, child.id, undefined)).rejects.toThrow(/1 people/);
    await updateUser(ports, admin, user.id, user.version, { departmentId: null });
    await deleteDepartment(ports, admin, child.id, undefined);
    expect(await ports.departments.get(child.id)).toBeUndefined();
    expect((await ports.departments.get(parent.id))?.childCount).toBe(0);
    // The name is free again under that parent.
    await expect(department('Leaf', parent.id)).resolves.toMatchObject({ name: 'Leaf' });
  });

  it('keeps the member count right while people join during a rename', async () => {
    const team = await department(uniqueName('Team'));
    await Promise.all([
      ...Array.from({ length: 5 }, () =>
        createUser(ports, admin, {
          email: uniqueEmail(),
          givenName: 'J',
          familyName: 'Oiner',
          departmentId: team.id,
        }),
      ),
      updateDepartment(ports, admin, team.id, team.version, { name: `${team.name} renamed` }),
    ]);
    expect(await ports.departments.get(team.id)).toMatchObject({
      memberCount: 5,
      name: `${team.name} renamed`,
    });
  });
});

/**
 * Departments as a kind of record of the apply engine (a Canvas SIS zip's accounts), over an in-memory
 * department store with the table's conditions: created after their parent with the parent's count of
 * sub-departments, audited as the API's create; undone sub-departments first, so the tree after undo is
 * the tree before; a department given people since the import is left, and named.
 */
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/domain/audit.ts';
import type { Department } from '../../../shared/domain/department.ts';
import { type ApplyDeps, runApply, runUndo } from '../../../shared/use-cases/imports/apply.ts';
import type { DepartmentBulk, StoredPlanEntry } from '../../../shared/use-cases/imports/ports.ts';
import { applyingImport } from '../../support/import-record.ts';
import { importSteps } from '../../support/import-steps.ts';

const AT = '2026-12-01T09:00:00.000Z';
const IMPORT = '5d1e8a2c-3b4f-4c6d-9e7a-0f1b2c3d4e5f';
const ROOT = 'd0000000-0000-4000-8000-000000000001';
const SCIENCE = 'd0000000-0000-4000-8000-000000000002';
const PHYSICS = 'd0000000-0000-4000-8000-000000000003';
const ARTS = 'd0000000-0000-4000-8000-000000000004';

function department(id: string, name: string, parent: Department | null): Department {
  return {
    id,
    name,
    parentId: parent?.id ?? null,
    managerId: null,
    ancestorIds: parent ? [...parent.ancestorIds, parent.id] : [],
    memberCount: 0,
    childCount: 0,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  };
}

const root = department(ROOT, 'Canvas University', null);
const science = department(SCIENCE, 'Science', root);
const physics = department(PHYSICS, 'Physics', science);
const arts = department(ARTS, 'Arts', root);

/** accounts.csv: Science and Arts under the LMS's root, Physics under Science (all new). */
const entries: StoredPlanEntry[] = [science, physics, arts].map((after, seq) => ({
  seq,
  file: 'accounts.csv',
  line: seq + 2,
  action: 'create',
  target: { kind: 'department', id: after.id, key: after.name },
  diffs: {},
  write: { op: 'department', before: null, after },
}));

/**
 * Departments with the table's conditions: a new one needs its name free among its siblings and its parent
 * there (whose count of sub-departments it moves); one removed must be at its version, with no people and
 * no sub-departments.
 */
function fakeDepartments(existing: Department[]) {
  const store = new Map(existing.map((d) => [d.id, { ...d }]));
  const audits: AuditRecord[] = [];
  const calls: string[] = [];
  const nameTaken = (d: Department) =>
    [...store.values()].some(
      (other) => other.parentId === d.parentId && other.name.toLowerCase() === d.name.toLowerCase(),
    );
  const bulk: DepartmentBulk = {
    current: async (ids) => new Map(ids.flatMap((id) => store.get(id) ?? []).map((d) => [d.id, { ...d }])),
    create: async (creations, audited) => {
      calls.push(`create ${creations.map((c) => c.after.name).join(',')}`);
      const refused = new Map<number, string>();
      creations.forEach((creation, index) => {
        const parent = creation.after.parentId ? store.get(creation.after.parentId) : undefined;
        if (creation.after.parentId && !parent)
          refused.set(creation.seq, 'its parent department is not there');
        else if (store.has(creation.after.id) || nameTaken(creation.after))
          refused.set(creation.seq, `The department name ${creation.after.name} is already in use.`);
        else {
          store.set(creation.after.id, { ...creation.after });
          if (parent) parent.childCount++;
          const audit = audited[index];
          if (audit) audits.push(audit);
        }
      });
      return refused;
    },
    remove: async (removals, audited) => {
      calls.push(`remove ${removals.map((r) => r.department.name).join(',')}`);
      const refused = new Map<number, string>();
      removals.forEach(({ seq, department: d }, index) => {
        const present = store.get(d.id);
        if (!present || present.version !== d.version || present.memberCount > 0 || present.childCount > 0)
          refused.set(seq, 'changed, or given people or sub-departments, since the import: left as it is');
        else {
          store.delete(d.id);
          const parent = d.parentId ? store.get(d.parentId) : undefined;
          if (parent) parent.childCount--;
          const audit = audited[index];
          if (audit) audits.push(audit);
        }
      });
      return refused;
    },
  };
  return { store, audits, calls, bulk };
}

/** The engine's other ports in memory: the import (applying), its plan, its change log. */
function fakes(existing: Department[]) {
  const departments = fakeDepartments(existing);
  let clock = Date.parse(AT);
  const steps = importSteps(
    applyingImport(entries.length, {
      id: IMPORT,
      type: 'canvas-sis',
      format: 'canvas',
      fileName: 'sis.zip',
      createdAt: AT,
    }),
    entries,
  );
  const none = {} as never;
  const deps: ApplyDeps = {
    imports: steps.imports,
    files: steps.files,
    changeLog: {
      ...steps.changeLog,
      // Departments never wait: the plan puts a parent before its sub-departments.
      wait: async (_id, waiting) => {
        if (waiting.length > 0) throw new Error('a department waited');
      },
    },
    departmentBulk: departments.bulk,
    cohortBulk: {} as ApplyDeps['cohortBulk'],
    businessMetricBulk: {} as ApplyDeps['businessMetricBulk'],
    catalog: {} as ApplyDeps['catalog'],
    cohorts: {} as ApplyDeps['cohorts'],
    // These plans write departments only.
    peopleBulk: none,
    enrollmentBulk: none,
    courseBulk: none,
    users: none,
    directory: none,
    enrollments: none,
    audit: none,
    runtime: { now: () => new Date(clock), newId: () => 'id' },
  };
  return {
    deps,
    ...departments,
    log: steps.log,
    record: steps.record,
    toUndo: steps.toUndo,
    later: (ms: number) => {
      clock += ms;
    },
  };
}

const budget = () => ({ deadline: Date.now() + 60_000 });
const tree = (store: Map<string, Department>) =>
  [...store.values()].map((d) => [d.name, d.parentId, d.childCount]);

describe('departments in apply and undo', () => {
  it('creates each department after its parent, counted on the parent, audited as the API creates one', async () => {
    // Prepare
    const world = fakes([root]);

    // Act
    const outcome = await runApply(world.deps, IMPORT, 'run-1', budget());

    // Assess
    expect(outcome).toBe('done');
    expect(world.record()).toMatchObject({
      status: 'applied',
      applied: { done: 3, conflicts: 0, conflictsListed: [] },
    });
    expect(world.calls).toEqual(['create Science,Physics,Arts']);
    expect(tree(world.store)).toEqual([
      ['Canvas University', null, 2],
      ['Science', ROOT, 1],
      ['Physics', SCIENCE, 0],
      ['Arts', ROOT, 0],
    ]);
    expect(world.audits.map((a) => [a.id, a.action, a.target, a.actor.sub])).toEqual([
      [`${IMPORT}.0`, 'department.created', `department:${SCIENCE}`, `import:${IMPORT}`],
      [`${IMPORT}.1`, 'department.created', `department:${PHYSICS}`, `import:${IMPORT}`],
      [`${IMPORT}.2`, 'department.created', `department:${ARTS}`, `import:${IMPORT}`],
    ]);
    expect([...world.log.keys()]).toEqual([0, 1, 2]);
  });

  it('undoes sub-departments before their parents, leaving the tree as it was', async () => {
    // Prepare
    const world = fakes([root]);
    await runApply(world.deps, IMPORT, 'run-1', budget());
    await world.toUndo();

    // Act
    const outcome = await runUndo(world.deps, IMPORT, 'undo-1', budget());

    // Assess: Arts, then Physics, then Science (the last change first); the tree is the tree before
    expect(outcome).toBe('done');
    expect(world.calls.at(-1)).toBe('remove Arts,Physics,Science');
    expect(world.record()).toMatchObject({ status: 'undone', undone: { restored: 3, refused: 0 } });
    expect(tree(world.store)).toEqual([['Canvas University', null, 0]]);
    expect(world.audits.slice(3).map((a) => [a.id, a.action, a.target])).toEqual([
      [`${IMPORT}.undo.2`, 'department.deleted', `department:${ARTS}`],
      [`${IMPORT}.undo.1`, 'department.deleted', `department:${PHYSICS}`],
      [`${IMPORT}.undo.0`, 'department.deleted', `department:${SCIENCE}`],
    ]);
  });

  it('leaves a department given people since the import, and its parent, naming both', async () => {
    // Prepare: someone joined Physics after the import (a member count moves without a new version)
    const world = fakes([root]);
    await runApply(world.deps, IMPORT, 'run-1', budget());
    const joined = world.store.get(PHYSICS);
    if (joined) joined.memberCount = 1;
    await world.toUndo();

    // Act
    await runUndo(world.deps, IMPORT, 'undo-1', budget());

    // Assess: Arts removed; Physics refused (its people), so Science is refused too (its sub-department)
    expect(world.record()).toMatchObject({
      status: 'undone',
      undone: {
        restored: 1,
        refused: 2,
        refusedListed: [
          {
            line: 3,
            key: 'Physics',
            reason: 'it has 1 people and 0 other sub-departments now: left as it is (move them first)',
          },
          {
            line: 2,
            key: 'Science',
            reason: 'it has 0 people and 1 other sub-departments now: left as it is (move them first)',
          },
        ],
      },
    });
    expect(tree(world.store)).toEqual([
      ['Canvas University', null, 1],
      ['Science', ROOT, 1],
      ['Physics', SCIENCE, 0],
    ]);
  });

  it('refuses a department whose name a sibling took since planning, and the sub-department under it', async () => {
    // Prepare: someone created "science" under the root after the plan was made
    const taken = department('d0000000-0000-4000-8000-000000000009', 'science', root);
    const world = fakes([{ ...root, childCount: 1 }, taken]);

    // Act
    await runApply(world.deps, IMPORT, 'run-1', budget());

    // Assess: Science and Physics are conflicts (out of the change log); Arts is made
    expect(world.record()).toMatchObject({
      status: 'applied',
      applied: {
        done: 1,
        conflicts: 2,
        conflictsListed: [
          { line: 2, key: 'Science', reason: 'The department name Science is already in use.' },
          { line: 3, key: 'Physics', reason: 'its parent department is not there' },
        ],
      },
    });
    expect([...world.log.keys()]).toEqual([2]);
  });

  it('continues a run killed after its writes: the departments made count as done, none made twice', async () => {
    // Prepare: the first run dies right after the bulk write returns
    const world = fakes([root]);
    const create = world.deps.departmentBulk.create;
    world.deps.departmentBulk.create = async (...args) => {
      await create(...args);
      throw new Error('killed');
    };

    // Act
    await expect(runApply(world.deps, IMPORT, 'run-1', budget())).rejects.toThrow('killed');
    world.deps.departmentBulk.create = create;
    world.later(3 * 60_000);
    await runApply(world.deps, IMPORT, 'run-2', budget());

    // Assess: found as written, not written again
    expect(world.calls).toEqual(['create Science,Physics,Arts']);
    expect(world.record()).toMatchObject({
      status: 'applied',
      applied: { done: 3, conflicts: 0 },
    });
    expect(world.audits).toHaveLength(3);
  });
});

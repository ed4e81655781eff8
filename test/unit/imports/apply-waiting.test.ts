/**
 * People whose manager the import creates further down the file: refused while the manager is not written,
 * they wait and are made once the rest is, however long the chain of managers; one whose manager never comes
 * is a conflict. A run killed while settling them is continued with every count exact. Over fakes of the
 * ports: the people store refuses a person whose manager does not exist yet, as the table's condition does.
 */
import { describe, expect, it } from 'vitest';
import type { Enrollment } from '../../../shared/domain/enrollment.ts';
import type { User } from '../../../shared/domain/user.ts';
import { type ApplyDeps, runApply } from '../../../shared/use-cases/imports/apply.ts';
import type { StoredPlanEntry } from '../../../shared/use-cases/imports/ports.ts';
import type { EnrollmentRepository } from '../../../shared/use-cases/ports.ts';
import { applyingImport } from '../../support/import-record.ts';
import { importSteps } from '../../support/import-steps.ts';

const AT = '2026-12-01T09:00:00.000Z';
const IMPORT = '0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d';
const id = (n: number) => `a1b2c3d4-0000-4000-8000-00000000000${n}`;
const GONE = id(9);
const COURSE = 'c0c0c0c0-0000-4000-8000-000000000001';

function person(n: number, managerId: string | null): User {
  return {
    id: id(n),
    email: `p${n}@example.com`,
    givenName: 'P',
    familyName: String(n),
    departmentId: null,
    managerId,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  };
}

/** p1 reports to p2, who reports to p3, further down; p4 to someone who is not coming; then p3. */
const people = [person(1, id(2)), person(2, id(3)), person(4, GONE), person(3, null)];

/** A new enrollment of the person `n` in the course C (Moodle's course1 column of their row). */
function enrollment(n: number): Enrollment {
  return {
    courseId: COURSE,
    userId: id(n),
    status: 'enrolled',
    sources: [{ source: 'import', actor: 'admin', reference: `import:${IMPORT}`, at: AT }],
    dueAt: null,
    completedAt: null,
    score: null,
    expiresAt: null,
    recertifyAt: null,
    contentVersion: null,
    completionOrigin: null,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  } as unknown as Enrollment;
}

/** The people's entries, then the enrollments of those in `enrolled`, as a people file with courses plans them. */
function world(enrolled: number[] = []) {
  const entries: StoredPlanEntry[] = people.map((after, seq) => ({
    seq,
    file: 'people.csv',
    line: seq + 2,
    action: 'create',
    target: { kind: 'person', id: after.id, key: after.email },
    diffs: {},
    write: { op: 'person', before: null, after },
  }));
  for (const n of enrolled)
    entries.push({
      seq: entries.length,
      file: 'people.csv',
      line: people.findIndex((p) => p.id === id(n)) + 2,
      action: 'enroll',
      target: { kind: 'enrollment', id: `${COURSE}:${id(n)}`, key: `p${n}@example.com/C` },
      diffs: {},
      write: { op: 'enrollment', before: null, after: enrollment(n), capacity: null },
    });
  const enrollments = new Map<string, Enrollment>();
  const store = new Map<string, User>();
  let clock = Date.parse(AT);
  let writes = 0;
  const steps = importSteps(applyingImport(entries.length, { id: IMPORT, createdAt: AT }), entries);
  const deps: ApplyDeps = {
    imports: steps.imports,
    files: steps.files,
    changeLog: steps.changeLog,
    peopleBulk: {
      current: async (ids) => new Map(ids.flatMap((i) => (store.has(i) ? [[i, store.get(i) as User]] : []))),
      // One person at a time, in order: refused while their manager does not exist, as the table's check.
      write: async (changes) => {
        const refused = new Map<number, string>();
        for (const change of changes) {
          if (change.after.managerId && !store.has(change.after.managerId)) {
            refused.set(change.seq, `No user with id ${change.after.managerId} to be the manager.`);
            continue;
          }
          store.set(change.after.id, change.after);
          writes++;
        }
        return refused;
      },
      restore: async () => new Map(),
    },
    users: { update: async () => undefined },
    directory: { signOut: async () => 'signed-out' },
    // A new enrollment needs its person, as the table's check in its transaction.
    enrollmentBulk: {
      current: async (keys) =>
        new Map(
          keys.flatMap((k) => enrollments.get(k.userId) ?? []).map((e) => [`${e.courseId}/${e.userId}`, e]),
        ),
      write: async (changes) => {
        const refused = new Map<number, string>();
        for (const change of changes) {
          if (!store.has(change.after.userId))
            refused.set(
              change.seq,
              `No user with id ${change.after.userId} to enroll (not created, or removed since).`,
            );
          else enrollments.set(change.after.userId, change.after);
        }
        return refused;
      },
      restore: async () => new Map(),
    },
    enrollments: {} as EnrollmentRepository,
    courseBulk: {} as ApplyDeps['courseBulk'],
    departmentBulk: {} as ApplyDeps['departmentBulk'],
    cohortBulk: {} as ApplyDeps['cohortBulk'],
    businessMetricBulk: {} as ApplyDeps['businessMetricBulk'],
    catalog: {} as ApplyDeps['catalog'],
    cohorts: {} as ApplyDeps['cohorts'],
    audit: { append: async () => undefined },
    runtime: { now: () => new Date(clock), newId: () => 'id' },
  };
  return {
    deps,
    store,
    enrollments,
    waiting: steps.waiting,
    log: steps.log,
    writes: () => writes,
    record: steps.record,
    later: (ms: number) => {
      clock += ms;
    },
  };
}

const budget = () => ({ deadline: Date.now() + 60_000 });

describe('people waiting for a manager further down the file', () => {
  it('are made once their managers are, a link of the chain a pass; one whose manager never comes is a conflict', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await runApply(w.deps, IMPORT, 'run-1', budget());

    // Assess
    expect(outcome).toBe('done');
    expect(w.record()).toMatchObject({
      status: 'applied',
      waited: 0, // settled
      applied: {
        done: 3,
        conflicts: 1,
        conflictsListed: [
          { line: 4, key: 'p4@example.com', reason: `No user with id ${GONE} to be the manager.` },
        ],
      },
    });
    expect([...w.store.keys()]).toEqual([id(3), id(2), id(1)]);
    expect([...w.log.keys()].sort()).toEqual([0, 1, 3]);
    expect(w.waiting.size).toBe(0);
  });

  it('hold their enrollments back with them: made once they are, a conflict when they never are', async () => {
    // Prepare: p1 (waiting for p2, who waits for p3) and p4 (whose manager never comes) enrolled in C
    const w = world([1, 4]);

    // Act
    const outcome = await runApply(w.deps, IMPORT, 'run-1', budget());

    // Assess: p1 enrolled once p1 is made; p4's enrollment is a conflict, with its reason
    expect(outcome).toBe('done');
    expect([...w.enrollments.keys()]).toEqual([id(1)]);
    expect(w.record()).toMatchObject({
      waited: 0,
      applied: {
        done: 4,
        conflicts: 2,
        conflictsListed: [
          { line: 4, key: 'p4@example.com', reason: `No user with id ${GONE} to be the manager.` },
          {
            line: 4,
            key: `${COURSE}:${id(4)}`,
            reason: `No user with id ${id(4)} to enroll (not created, or removed since).`,
          },
        ],
      },
    });
    expect([...w.log.keys()].sort()).toEqual([0, 1, 3, 4]);
  });

  it('are counted exactly when the run settling them is killed after a write', async () => {
    // Prepare: the first run dies right after p2 (waiting for p3) is written
    const w = world();
    const write = w.deps.peopleBulk.write;
    w.deps.peopleBulk.write = async (changes, audits) => {
      const refused = await write(changes, audits);
      if (w.store.has(id(2))) throw new Error('killed');
      return refused;
    };

    // Act: the first run dies; the next takes over once the lease has run out
    await expect(runApply(w.deps, IMPORT, 'run-1', budget())).rejects.toThrow('killed');
    w.deps.peopleBulk.write = write;
    w.later(3 * 60_000);
    const outcome = await runApply(w.deps, IMPORT, 'run-2', budget());

    // Assess: each person written once, counted once
    expect(outcome).toBe('done');
    expect(w.writes()).toBe(3);
    expect(w.record().applied).toMatchObject({ done: 3, conflicts: 1 });
    expect([...w.log.keys()].sort()).toEqual([0, 1, 3]);
  });
});

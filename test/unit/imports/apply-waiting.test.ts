/**
 * People whose manager the import creates further down the file: refused while the manager is not written,
 * they wait and are made once the rest is, however long the chain of managers; one whose manager never comes
 * is a conflict. A run killed while settling them is continued with every count exact. Over fakes of the
 * ports: the people store refuses a person whose manager does not exist yet, as the table's condition does.
 */
import { describe, expect, it } from 'vitest';
import { emptyCounts, ImportOptions } from '../../../shared/domain/import.ts';
import type { User } from '../../../shared/domain/user.ts';
import { type ApplyDeps, runApply } from '../../../shared/use-cases/imports/apply.ts';
import type {
  Change,
  ImportRecord,
  StoredPlanEntry,
  WaitingChange,
} from '../../../shared/use-cases/imports/ports.ts';
import type { EnrollmentRepository } from '../../../shared/use-cases/ports.ts';

const AT = '2026-12-01T09:00:00.000Z';
const IMPORT = '0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d';
const id = (n: number) => `a1b2c3d4-0000-4000-8000-00000000000${n}`;
const GONE = id(9);

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

function world() {
  const entries: StoredPlanEntry[] = people.map((after, seq) => ({
    seq,
    file: 'people.csv',
    line: seq + 2,
    action: 'create',
    target: { kind: 'person', id: after.id, key: after.email },
    diffs: {},
    write: { op: 'person', before: null, after },
  }));
  const store = new Map<string, User>();
  const log = new Map<number, Change>();
  const waiting = new Map<number, WaitingChange>();
  let clock = Date.parse(AT);
  let writes = 0;
  let record: ImportRecord = {
    id: IMPORT,
    type: 'people',
    format: 'lms',
    mode: 'upsert',
    fileName: 'people.csv',
    sizeBytes: 100,
    options: ImportOptions.parse({}),
    status: 'applying',
    createdBy: 'admin',
    createdAt: AT,
    updatedAt: AT,
    rows: entries.length,
    counts: emptyCounts(),
    progress: { step: 'applying', done: 0, total: entries.length },
    warnings: [],
    approval: { required: false, reason: null, approvedBy: null, approvedAt: null, note: null },
    applied: null,
    undone: null,
    failure: null,
    version: 1,
    plan: { entries: entries.length, parts: { all: 1 } },
    checkpoint: 0,
    lease: null,
    waited: 0,
  };
  const after = <T extends { seq: number }>(items: Iterable<T>, from: number, limit: number) =>
    [...items]
      .filter((item) => item.seq > from)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  const deps: ApplyDeps = {
    imports: {
      create: async () => undefined,
      list: async () => ({ items: [], nextCursor: null }),
      get: async () => record,
      save: async (next, expected) => {
        if (record.version !== expected) throw new Error('stale import');
        record = next;
      },
    },
    files: { planPart: async (_id, _stream, part) => (part === 0 ? entries : []) },
    changeLog: {
      log: async (_id, changes) => {
        for (const change of changes) log.set(change.seq, change);
      },
      unlog: async (_id, seqs) => {
        for (const seq of seqs) log.delete(seq);
      },
      changes: async (_id, before, limit) =>
        [...log.values()]
          .filter((c) => c.seq < before)
          .sort((a, b) => b.seq - a.seq)
          .slice(0, limit),
      wait: async (_id, changes) => {
        for (const change of changes) waiting.set(change.change.seq, change);
      },
      waiting: async (_id, from, limit) =>
        after(
          [...waiting.values()].map((w) => ({ ...w, seq: w.change.seq })),
          from,
          limit,
        ).map(({ change, reason }) => ({ change, reason })),
      unwait: async (_id, seqs) => {
        for (const seq of seqs) waiting.delete(seq);
      },
    },
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
    enrollmentBulk: {
      current: async () => new Map(),
      write: async () => new Map(),
      restore: async () => new Map(),
    },
    enrollments: {} as EnrollmentRepository,
    courseBulk: {} as ApplyDeps['courseBulk'],
    departmentBulk: {} as ApplyDeps['departmentBulk'],
    cohortBulk: {} as ApplyDeps['cohortBulk'],
    cohorts: {} as ApplyDeps['cohorts'],
    audit: { append: async () => undefined },
    runtime: { now: () => new Date(clock), newId: () => 'id' },
  };
  return {
    deps,
    store,
    waiting,
    log,
    writes: () => writes,
    record: () => record,
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

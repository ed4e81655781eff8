/**
 * The apply engine over fakes of its ports (no network): a run killed after writing and before its
 * checkpoint is continued with nothing written twice; a record changed since planning is a conflict, left
 * alone and out of the change log; undo puts back what the apply wrote and refuses what changed since.
 * Enrollments stand for every kind of record: the engine is the same for all.
 */
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/domain/audit.ts';
import type { Enrollment } from '../../../shared/domain/enrollment.ts';
import type { User } from '../../../shared/domain/user.ts';
import { newEnrollment, withdrawn } from '../../../shared/use-cases/enrollment.ts';
import { type ApplyDeps, runApply, runUndo } from '../../../shared/use-cases/imports/apply.ts';
import {
  type EnrollmentBulk,
  enrollmentKey,
  type StoredPlanEntry,
} from '../../../shared/use-cases/imports/ports.ts';
import type { EnrollmentRepository } from '../../../shared/use-cases/ports.ts';
import { applyingImport } from '../../support/import-record.ts';
import { importSteps } from '../../support/import-steps.ts';

const AT = '2026-12-01T09:00:00.000Z';
const IMPORT = '0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d';
const COURSE = '7b9d2e40-1c3a-4f6b-8e52-9a0c4d7f1b23';
const source = { source: 'import' as const, actor: 'admin', reference: `import:${IMPORT}`, at: AT };

/** The ids of u1 to u4. */
const u = (n: number) => `a1b2c3d4-0000-4000-8000-00000000000${n}`;

function enrolled(userId: string): Enrollment {
  return newEnrollment(COURSE, userId, source, AT, null, 'admin', 'Import learning.csv');
}

/** An enrollments plan: new enrollments of u1..u3, and the withdrawal of u4's. */
function planOf(existing: Enrollment): StoredPlanEntry[] {
  const entry = (seq: number, before: Enrollment | null, after: Enrollment): StoredPlanEntry => ({
    seq,
    file: 'learning.csv',
    line: seq + 2,
    action: before ? 'withdraw' : 'enroll',
    target: { kind: 'enrollment', id: `${after.courseId}:${after.userId}`, key: after.userId },
    diffs: {},
    write: { op: 'enrollment', before, after, capacity: null },
  });
  return [
    entry(0, null, enrolled(u(1))),
    entry(1, null, enrolled(u(2))),
    entry(2, null, enrolled(u(3))),
    entry(3, existing, withdrawn(existing, AT, 'admin', 'Import learning.csv')),
  ];
}

/** In-memory ports: enrollments with the conditions the table applies, the change log, the import. */
function fakes(entries: StoredPlanEntry[], existing: Enrollment[]) {
  const store = new Map(existing.map((e) => [enrollmentKey(e), e]));
  const audits: AuditRecord[] = [];
  let clock = Date.parse(AT);
  const steps = importSteps(
    applyingImport(entries.length, {
      id: IMPORT,
      type: 'enrollments',
      fileName: 'learning.csv',
      createdAt: AT,
    }),
    entries,
  );
  /** Writes each change whose condition holds (the version read, or none yet); the others are refused. */
  const conditional = (
    changes: readonly { seq: number; before: Enrollment | null; after: Enrollment | null; key: string }[],
    audited: readonly AuditRecord[][],
  ) => {
    const refused = new Map<number, string>();
    changes.forEach((change, index) => {
      const present = store.get(change.key);
      if ((present?.version ?? null) !== (change.before?.version ?? null)) {
        refused.set(change.seq, 'changed meanwhile');
        return;
      }
      if (change.after) store.set(change.key, change.after);
      else store.delete(change.key);
      audits.push(...(audited[index] ?? []));
    });
    return refused;
  };
  const enrollmentBulk: EnrollmentBulk = {
    current: async (keys) =>
      new Map(keys.flatMap((k) => store.get(enrollmentKey(k)) ?? []).map((e) => [enrollmentKey(e), e])),
    write: async (changes, audited) =>
      conditional(
        changes.map((c) => ({ ...c, key: enrollmentKey(c.after) })),
        audited.map((a) => [...a]),
      ),
    restore: async (changes, audited) =>
      conditional(
        changes.map((c) => ({ ...c, key: enrollmentKey(c.before) })),
        audited.map((a) => [a]),
      ),
  };
  const deps: ApplyDeps = {
    imports: steps.imports,
    files: steps.files,
    changeLog: {
      ...steps.changeLog,
      // Enrollments never wait for another change of the import.
      wait: async (_id, waiting) => {
        if (waiting.length > 0) throw new Error('an enrollment waited');
      },
    },
    enrollmentBulk,
    // Everyone these plans enroll exists.
    peopleBulk: {
      current: async (ids) => new Map(ids.map((userId) => [userId, { id: userId } as User])),
      write: async () => new Map(),
      restore: async () => new Map(),
    },
    // These plans write no courses.
    courseBulk: {} as ApplyDeps['courseBulk'],
    departmentBulk: {} as ApplyDeps['departmentBulk'],
    cohortBulk: {} as ApplyDeps['cohortBulk'],
    businessMetricBulk: {} as ApplyDeps['businessMetricBulk'],
    catalog: {} as ApplyDeps['catalog'],
    cohorts: {} as ApplyDeps['cohorts'],
    users: { update: async () => undefined },
    directory: { signOut: async () => 'signed-out' },
    // No course here has a capacity: the waitlist is never read.
    enrollments: {} as EnrollmentRepository,
    audit: { append: async () => undefined },
    runtime: { now: () => new Date(clock), newId: () => 'id' },
  };
  return {
    deps,
    store,
    audits,
    log: steps.log,
    record: steps.record,
    toUndo: steps.toUndo,
    later: (ms: number) => {
      clock += ms;
    },
  };
}

const budget = () => ({ deadline: Date.now() + 60_000 });

describe('apply', () => {
  it('continues a run killed after its writes and before its checkpoint, writing nothing twice', async () => {
    // Prepare: u4 enrolled; the first run dies right after the bulk write returns
    const existing = enrolled(u(4));
    const world = fakes(planOf(existing), [existing]);
    const write = world.deps.enrollmentBulk.write;
    world.deps.enrollmentBulk.write = async (...args) => {
      await write(...args);
      throw new Error('killed');
    };

    // Act: the first run dies; the next takes over once its lease has run out
    await expect(runApply(world.deps, IMPORT, 'run-1', budget())).rejects.toThrow('killed');
    world.deps.enrollmentBulk.write = write;
    world.later(3 * 60_000);
    const outcome = await runApply(world.deps, IMPORT, 'run-2', budget());

    // Assess: every change once, counted once, each audited once, all in the change log
    expect(outcome).toBe('done');
    expect(world.record()).toMatchObject({
      status: 'applied',
      checkpoint: 4,
      applied: { done: 4, conflicts: 0, conflictsListed: [] },
    });
    expect([...world.store.values()].map((e) => [e.userId, e.status, e.version])).toEqual([
      [u(4), 'withdrawn', 2],
      [u(1), 'enrolled', 1],
      [u(2), 'enrolled', 1],
      [u(3), 'enrolled', 1],
    ]);
    expect(world.audits.map((a) => [a.id, a.action])).toEqual([
      [`${IMPORT}.0`, 'enrollment.created'],
      [`${IMPORT}.1`, 'enrollment.created'],
      [`${IMPORT}.2`, 'enrollment.created'],
      [`${IMPORT}.3`, 'enrollment.withdrawn'],
    ]);
    expect([...world.log.keys()]).toEqual([0, 1, 2, 3]);
  });

  it('leaves a record changed since planning alone, reports it and keeps it out of the change log', async () => {
    // Prepare: u4's enrollment changed after the plan read it; u2 enrolled meanwhile
    const existing = enrolled(u(4));
    const world = fakes(planOf(existing), [{ ...existing, dueAt: '2027-01-31T00:00:00.000Z', version: 2 }]);
    world.store.set(enrollmentKey(enrolled(u(2))), { ...enrolled(u(2)), sources: [] });

    // Act
    await runApply(world.deps, IMPORT, 'run-1', budget());

    // Assess
    expect(world.record().applied).toEqual({
      done: 2,
      conflicts: 2,
      conflictsListed: [
        { line: 3, key: `${COURSE}:${u(2)}`, reason: 'changed meanwhile' },
        { line: 5, key: `${COURSE}:${u(4)}`, reason: 'changed meanwhile' },
      ],
    });
    expect(world.store.get(enrollmentKey(existing))).toMatchObject({ status: 'enrolled', version: 2 });
    expect([...world.log.keys()]).toEqual([0, 2]);
  });

  it('stops a run that outlasted its lease and was taken over: the change log and counts stay whole', async () => {
    // Prepare: run-1 stalls in its first chunk longer than its lease; meanwhile run-2 takes over and
    // applies the whole plan
    const existing = enrolled(u(4));
    const world = fakes(planOf(existing), [existing]);
    const log = world.deps.changeLog.log;
    let stalled = false;
    world.deps.changeLog.log = async (...args) => {
      await log(...args);
      if (stalled) return;
      stalled = true;
      world.later(3 * 60_000);
      expect(await runApply(world.deps, IMPORT, 'run-2', budget())).toBe('done');
    };

    // Act
    const outcome = await runApply(world.deps, IMPORT, 'run-1', budget());

    // Assess: run-1 stopped at its next renewal; what run-2 did stands, counted once, all in the change log
    expect(outcome).toBe('skipped');
    expect(world.record()).toMatchObject({
      status: 'applied',
      checkpoint: 4,
      lease: null,
      applied: { done: 4, conflicts: 0, conflictsListed: [] },
    });
    expect([...world.log.keys()]).toEqual([0, 1, 2, 3]);
    expect(world.audits.map((a) => a.id)).toEqual([
      `${IMPORT}.0`,
      `${IMPORT}.1`,
      `${IMPORT}.2`,
      `${IMPORT}.3`,
    ]);
  });

  it('takes the lease length from the budget: a killed run holds the import that long only', async () => {
    // Prepare: a run dies holding a 5-second lease
    const existing = enrolled(u(4));
    const world = fakes(planOf(existing), [existing]);
    const write = world.deps.enrollmentBulk.write;
    world.deps.enrollmentBulk.write = async () => {
      throw new Error('killed');
    };
    await expect(runApply(world.deps, IMPORT, 'run-1', { ...budget(), leaseMs: 5_000 })).rejects.toThrow();
    world.deps.enrollmentBulk.write = write;

    // Act: the next run before and after those 5 seconds
    world.later(4_000);
    const early = await runApply(world.deps, IMPORT, 'run-2', budget());
    world.later(1_001);
    const late = await runApply(world.deps, IMPORT, 'run-2', budget());

    // Assess
    expect([early, late]).toEqual(['skipped', 'done']);
    expect(world.record().applied).toEqual({ done: 4, conflicts: 0, conflictsListed: [] });
  });
});

describe('apply and undo of people and their enrollments', () => {
  it('writes the people of a chunk before its enrollments, whatever comes first, and undoes the other way', async () => {
    // Prepare: a chunk that opens with u1's enrollment (u1 was created by an earlier chunk), then creates u2
    // and enrolls them, as a Moodle file's rows plan
    const u2: User = {
      id: u(2),
      email: 'u2@example.com',
      givenName: 'U',
      familyName: 'Two',
      departmentId: null,
      managerId: null,
      jobTitle: null,
      location: null,
      externalId: 'u2',
      hireDate: null,
      customAttributes: { moodle_username: 'u2' },
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
    const enrollmentEntry = (seq: number, userId: string): StoredPlanEntry => ({
      seq,
      file: 'users.csv',
      line: seq + 2,
      action: 'enroll',
      target: { kind: 'enrollment', id: `${COURSE}:${userId}`, key: userId },
      diffs: {},
      write: { op: 'enrollment', before: null, after: enrolled(userId), capacity: null },
    });
    const entries: StoredPlanEntry[] = [
      enrollmentEntry(0, u(1)),
      {
        seq: 1,
        file: 'users.csv',
        line: 3,
        action: 'create',
        target: { kind: 'user', id: u(2), key: u2.email },
        diffs: {},
        write: { op: 'person', before: null, after: u2 },
      },
      enrollmentEntry(2, u(2)),
    ];
    const world = fakes(entries, []);
    const people = new Map<string, User>();
    const calls: string[] = [];
    const { write, restore } = world.deps.enrollmentBulk;
    world.deps.enrollmentBulk.write = async (changes, audited) => {
      calls.push(`enrollments ${changes.map((c) => c.seq).join(',')}`);
      return write(changes, audited);
    };
    world.deps.enrollmentBulk.restore = async (changes, audited) => {
      calls.push(`enrollments back ${changes.map((c) => c.seq).join(',')}`);
      return restore(changes, audited);
    };
    world.deps.peopleBulk = {
      current: async (ids) => new Map(ids.flatMap((id) => people.get(id) ?? []).map((p) => [p.id, p])),
      write: async (changes) => {
        calls.push(`people ${changes.map((c) => c.seq).join(',')}`);
        for (const change of changes) people.set(change.after.id, change.after);
        return new Map();
      },
      restore: async (changes) => {
        calls.push(`people back ${changes.map((c) => c.seq).join(',')}`);
        for (const change of changes) people.delete(change.before.id);
        return new Map();
      },
    };

    // Act
    await runApply(world.deps, IMPORT, 'run-1', budget());
    await world.deps.imports.save(
      {
        ...world.record(),
        status: 'undoing',
        checkpoint: 0,
        lease: null,
        version: world.record().version + 1,
      },
      world.record().version,
    );
    await runUndo(world.deps, IMPORT, 'undo-1', budget());

    // Assess: people first on the way in, enrollments first on the way out, the last change first; nothing left
    expect(calls).toEqual(['people 1', 'enrollments 0,2', 'enrollments back 2,0', 'people back 1']);
    expect(world.record()).toMatchObject({ status: 'undone', undone: { restored: 3, refused: 0 } });
    expect([...world.store.values()]).toEqual([]);
    expect([...people.values()]).toEqual([]);
  });
});

describe('undo', () => {
  it('puts back what the apply wrote, and refuses a record changed since, naming it', async () => {
    // Prepare: applied; then u3's enrollment is changed by someone else
    const existing = enrolled(u(4));
    const world = fakes(planOf(existing), [existing]);
    await runApply(world.deps, IMPORT, 'run-1', budget());
    const third = enrolled(u(3));
    world.store.set(enrollmentKey(third), { ...third, dueAt: '2027-02-28T00:00:00.000Z', version: 2 });
    await world.toUndo();

    // Act
    const outcome = await runUndo(world.deps, IMPORT, 'undo-1', budget());

    // Assess: u1, u2 removed, u4 enrolled again as before (a version on), u3 left as it is
    expect(outcome).toBe('done');
    expect(world.record()).toMatchObject({
      status: 'undone',
      undone: {
        restored: 3,
        refused: 1,
        refusedListed: [
          {
            line: 4,
            key: `${COURSE}:${u(3)}`,
            reason: 'changed since the import (now at version 2): left as it is',
          },
        ],
      },
    });
    expect([...world.store.values()].map((e) => [e.userId, e.status, e.version])).toEqual([
      [u(4), 'enrolled', 3],
      [u(3), 'enrolled', 2],
    ]);
    // The last change is undone first
    expect(world.audits.slice(4).map((a) => [a.id, a.action])).toEqual([
      [`${IMPORT}.undo.3`, 'enrollment.reactivated'],
      [`${IMPORT}.undo.1`, 'enrollment.removed'],
      [`${IMPORT}.undo.0`, 'enrollment.removed'],
    ]);
  });

  it('goes back through the change log from its end, a chunk at a time, so the last change is undone first', async () => {
    // Prepare: 250 new enrollments (three chunks of 100), applied
    const learner = (n: number) => `a1b2c3d4-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const entries: StoredPlanEntry[] = Array.from({ length: 250 }, (_, seq) => {
      const after = enrolled(learner(seq));
      return {
        seq,
        file: 'learning.csv',
        line: seq + 2,
        action: 'enroll',
        target: { kind: 'enrollment', id: `${COURSE}:${after.userId}`, key: after.userId },
        diffs: {},
        write: { op: 'enrollment', before: null, after, capacity: null },
      };
    });
    const world = fakes(entries, []);
    await runApply(world.deps, IMPORT, 'run-1', budget());
    await world.toUndo();
    const restore = world.deps.enrollmentBulk.restore;
    const chunks: [number | undefined, number | undefined][] = [];
    world.deps.enrollmentBulk.restore = async (changes, audited) => {
      chunks.push([changes[0]?.seq, changes.at(-1)?.seq]);
      // The run dies after its second chunk's writes, before its checkpoint
      const refused = await restore(changes, audited);
      if (chunks.length === 2) throw new Error('killed');
      return refused;
    };

    // Act: the first run dies; the next takes over once its lease has run out
    await expect(runUndo(world.deps, IMPORT, 'undo-1', budget())).rejects.toThrow('killed');
    const stopped = world.record();
    world.later(3 * 60_000);
    const outcome = await runUndo(world.deps, IMPORT, 'undo-2', budget());

    // Assess: from the last change back to the first; the second run again from the second chunk, whose
    // changes it finds undone already (nothing to restore); every change counted once, nothing left
    expect(stopped).toMatchObject({ checkpoint: 100, progress: { done: 100, total: 250 } });
    expect(outcome).toBe('done');
    expect(chunks).toEqual([
      [249, 150],
      [149, 50],
      [undefined, undefined],
      [49, 0],
    ]);
    expect(world.record()).toMatchObject({
      status: 'undone',
      checkpoint: 0,
      undone: { restored: 250, refused: 0 },
      progress: { done: 250, total: 250 },
    });
    expect(world.store.size).toBe(0);
  });

  it('undoes a later import, then an earlier one, of the same record: each finds it as it left it', async () => {
    // Prepare: import A gives u4 a due date, import B another; both applied
    const original = enrolled(u(4));
    const key = enrollmentKey(original);
    const dueBy = (from: Enrollment, dueAt: string): StoredPlanEntry => ({
      seq: 0,
      file: 'learning.csv',
      line: 2,
      action: 'update',
      target: { kind: 'enrollment', id: key, key: from.userId },
      diffs: {},
      write: {
        op: 'enrollment',
        before: from,
        after: { ...from, dueAt, version: from.version + 1 },
        capacity: null,
      },
    });
    const a = fakes([dueBy(original, '2027-01-31T00:00:00.000Z')], [original]);
    await runApply(a.deps, IMPORT, 'apply-a', budget());
    const afterA = a.store.get(key) as Enrollment;
    const b = fakes([dueBy(afterA, '2027-03-31T00:00:00.000Z')], [afterA]);
    await runApply(b.deps, IMPORT, 'apply-b', budget());

    // Act: undo B, then A (on the same enrollment)
    await b.toUndo();
    await runUndo(b.deps, IMPORT, 'undo-b', budget());
    a.store.set(key, b.store.get(key) as Enrollment);
    await a.toUndo();
    await runUndo(a.deps, IMPORT, 'undo-a', budget());

    // Assess: both restored; the enrollment has its first content again, four versions on
    expect(b.record().undone).toEqual({ restored: 1, refused: 0, refusedListed: [] });
    expect(a.record().undone).toEqual({ restored: 1, refused: 0, refusedListed: [] });
    expect(a.store.get(key)).toEqual({ ...original, dueAt: null, version: 5 });
  });
});

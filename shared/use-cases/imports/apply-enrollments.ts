/**
 * Enrollments in apply and undo. An enrollment is written only if it is still at the version the plan read
 * (a new one: none yet), with the seats it takes or frees and the audit records the API writes for the same
 * change, many per transaction; a seat taken under a capacity only if it is free. Seats an import frees go
 * to the course's waitlist, first in line first, as a withdrawal through the API does. Undo puts each
 * enrollment back while it holds what the import wrote (its content: whatever its version, so undoing a later
 * import of the same enrollment first is no change); one the import created is removed (nothing of it
 * stays, as if it had never been imported).
 */
import type { AuditRecord } from '../../domain/audit.ts';
import { Enrollment, holdsSeat } from '../../domain/enrollment.ts';
import type { RowNote } from '../../domain/import.ts';
import { promoteFromWaitlist } from '../enrollment.ts';
import type { AuditTrail, EnrollmentRepository, Runtime } from '../ports.ts';
import { type ChangeKind, importActor, importAudit, type Run } from './changes.ts';
import { type EnrollmentBulk, type EnrollmentChange, enrollmentKey, type PeopleBulk } from './ports.ts';

export interface EnrollmentChangeDeps {
  enrollmentBulk: EnrollmentBulk;
  /** For the waitlist: seats the import frees are offered to the first in line. */
  enrollments: EnrollmentRepository;
  audit: Pick<AuditTrail, 'append'>;
  /** A new enrollment refused for want of its person waits while the import may still create them. */
  peopleBulk: Pick<PeopleBulk, 'current'>;
  runtime: Runtime;
}

export function enrollmentChanges(deps: EnrollmentChangeDeps): ChangeKind<EnrollmentChange> {
  return {
    key: (change) => `${change.after.courseId}:${change.after.userId}`,

    async written(changes) {
      const current = await deps.enrollmentBulk.current(changes.map((change) => change.after));
      return new Set(
        changes
          .filter((change) => same(current.get(enrollmentKey(change.after)), change.after))
          .map((change) => change.seq),
      );
    },

    async write(changes, run) {
      const refused = await deps.enrollmentBulk.write(
        changes,
        changes.map((change) => enrollmentAudits(deps, run, change)),
      );
      await offerFreedSeats(
        deps,
        run,
        changes
          .filter((change) => !refused.has(change.seq))
          .map((change) => ({ from: change.before, to: change.after, capacity: change.capacity })),
      );
      return refused;
    },

    async waiting(refused) {
      // A person who waits for their manager further down the file is created later: their new
      // enrollments (Moodle's course columns) wait with them, and are made once they are.
      const fresh = refused.filter((change) => change.before === null);
      const people = await deps.peopleBulk.current([...new Set(fresh.map((change) => change.after.userId))]);
      return new Set(fresh.filter((change) => !people.has(change.after.userId)).map((change) => change.seq));
    },

    async undo(changes, run) {
      const current = await deps.enrollmentBulk.current(changes.map((change) => change.after));
      const restores: {
        seq: number;
        before: Enrollment;
        after: Enrollment | null;
        capacity: number | null;
      }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      for (const change of changes) {
        const key = `${change.after.courseId}:${change.after.userId}`;
        const present = current.get(enrollmentKey(change.after));
        if (!present) {
          // One the import created, which an earlier run of this undo removed already.
          if (change.before === null) restored++;
          else refused.push({ line: change.line, key, reason: 'removed since the import' });
          continue;
        }
        // Put back already (by an earlier run of this undo).
        if (change.before && sameContent(present, change.before)) {
          restored++;
          continue;
        }
        if (!sameContent(present, change.after)) {
          refused.push({
            line: change.line,
            key,
            reason: `changed since the import (now at version ${present.version}): left as it is`,
          });
          continue;
        }
        const back = change.before ? { ...change.before, version: present.version + 1 } : null;
        restores.push({ seq: change.seq, before: present, after: back, capacity: change.capacity });
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: back ? enrollmentAction(present, back) : 'enrollment.removed',
            target: `enrollment:${key}`,
            before: present,
            after: back ?? { removedBy: `import:${run.record.id}` },
          }),
        );
      }
      const failed = await deps.enrollmentBulk.restore(restores, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const restore of restores) {
        const reason = failed.get(restore.seq);
        if (reason === undefined) restored++;
        else
          refused.push({
            line: lines.get(restore.seq) ?? 0,
            key: `${restore.before.courseId}:${restore.before.userId}`,
            reason,
          });
      }
      await offerFreedSeats(
        deps,
        run,
        restores
          .filter((restore) => !failed.has(restore.seq))
          .map((restore) => ({ from: restore.before, to: restore.after, capacity: restore.capacity })),
      );
      return { restored, refused };
    },
  };
}

/**
 * The audit records of one change, as the API writes them: a completion imported for someone not enrolled
 * is audited as the two requests that would make it, enrolled then completed.
 */
function enrollmentAudits(deps: EnrollmentChangeDeps, run: Run, change: EnrollmentChange): AuditRecord[] {
  const target = `enrollment:${change.after.courseId}:${change.after.userId}`;
  const { enrolledFirst } = change;
  if (enrolledFirst)
    return [
      importAudit(deps.runtime, run, `${change.seq}.enrolled`, {
        action: 'enrollment.created',
        target,
        before: null,
        after: enrolledFirst,
      }),
      importAudit(deps.runtime, run, String(change.seq), {
        action: 'enrollment.completed',
        target,
        before: enrolledFirst,
        after: change.after,
      }),
    ];
  return [
    importAudit(deps.runtime, run, String(change.seq), {
      action: change.before ? enrollmentAction(change.before, change.after) : 'enrollment.created',
      target,
      before: change.before,
      after: change.after,
    }),
  ];
}

/** The API's name of a change from one enrollment to the next. */
function enrollmentAction(from: Enrollment, to: Enrollment): string {
  if (to.status === 'withdrawn' && from.status !== 'withdrawn') return 'enrollment.withdrawn';
  if (to.status === 'completed' && (from.status !== 'completed' || from.completedAt !== to.completedAt))
    return 'enrollment.completed';
  if (!holdsSeat(from.status) && holdsSeat(to.status)) return 'enrollment.reactivated';
  return 'enrollment.updated';
}

/** The courses with a capacity where these changes freed seats: their waitlists move up. */
async function offerFreedSeats(
  deps: EnrollmentChangeDeps,
  run: Run,
  changes: readonly { from: Enrollment | null; to: Enrollment | null; capacity: number | null }[],
): Promise<void> {
  const courses = new Map<string, number>();
  for (const { from, to, capacity } of changes) {
    const freed = from !== null && holdsSeat(from.status) && !(to !== null && holdsSeat(to.status));
    if (freed && capacity !== null) courses.set(from.courseId, capacity);
  }
  for (const [courseId, capacity] of courses)
    await promoteFromWaitlist(deps, importActor(run), courseId, capacity);
}

/** Whether two enrollments are the same record, field by field (in the schema's order). */
function same(a: Enrollment | undefined, b: Enrollment): boolean {
  return a !== undefined && JSON.stringify(Enrollment.parse(a)) === JSON.stringify(Enrollment.parse(b));
}

/**
 * Whether an enrollment holds what `b` holds, whatever its version: undoing a later import that changed it
 * too puts back what this import wrote, at a newer version, and this import may then be undone.
 */
function sameContent(a: Enrollment, b: Enrollment): boolean {
  return same({ ...a, version: b.version }, b);
}

/**
 * Cohorts and memberships in apply and undo.
 *
 * Cohorts: an import only creates static cohorts (a Canvas SIS section, a cohort a Moodle people file names
 * that the LMS lacks), each with its name and external-id claims and the API's audit record
 * (`cohort.created`). Undo removes one while it is as the import left it, with no members, no course links
 * and no rule cohort naming it (`cohort.deleted`); its memberships come later in the plan, so undo (from the
 * last change back) has taken them out first.
 *
 * Memberships: a person joins a static cohort through the cohort repository's own member writes, so the
 * cohort's count, the audit records and the `cohort.member_added` events are those of the API's "add
 * members", and what follows from them follows as it does there (courses linked to the cohort enroll the
 * person, rule cohorts that name it re-evaluate them). Each membership carries `addedBy: import:<id>`: undo
 * removes only those (`cohort.member_removed`, and the cohort's sync settles the leaver as when an
 * administrator removes them), never a membership someone else made.
 */
import type { AuditRecord } from '../../domain/audit.ts';
import { Cohort, type CohortMember, ruleNodes } from '../../domain/cohort.ts';
import type { RowNote } from '../../domain/import.ts';
import { memberBatchChange } from '../cohorts.ts';
import type { CohortRepository, Runtime } from '../ports.ts';
import { type ChangeKind, importAudit, type Run } from './changes.ts';
import { unique } from './planning.ts';
import {
  type CohortBulk,
  type CohortCreation,
  type MembershipChange,
  membershipKey,
  type PeopleBulk,
} from './ports.ts';

export interface CohortChangeDeps {
  cohortBulk: CohortBulk;
  cohorts: Pick<CohortRepository, 'addMembers' | 'removeMembers' | 'links' | 'ruleCohorts'>;
  peopleBulk: Pick<PeopleBulk, 'current'>;
  runtime: Runtime;
}

/** Who adds an import's memberships: how undo tells them from the others. */
export function importMemberBy(importId: string): string {
  return `import:${importId}`;
}

export function cohortChanges(deps: CohortChangeDeps): ChangeKind<CohortCreation> {
  return {
    key: (change) => change.after.name,

    async written(changes) {
      const current = await deps.cohortBulk.current(changes.map((change) => change.after.id));
      return new Set(
        changes
          .filter((change) => sameCohort(current.get(change.after.id), change.after))
          .map((change) => change.seq),
      );
    },

    write(changes, run) {
      return deps.cohortBulk.create(
        changes,
        changes.map((change) =>
          importAudit(deps.runtime, run, String(change.seq), {
            action: 'cohort.created',
            target: `cohort:${change.after.id}`,
            before: null,
            after: change.after,
          }),
        ),
      );
    },

    async undo(changes, run) {
      const current = await deps.cohortBulk.current(changes.map((change) => change.after.id));
      const named = new Set(
        (await deps.cohorts.ruleCohorts()).flatMap((cohort) =>
          cohort.rule
            ? ruleNodes(cohort.rule).flatMap((node) => (node.type === 'cohort' ? [node.cohortId] : []))
            : [],
        ),
      );
      const removals: { seq: number; cohort: Cohort }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      for (const change of changes) {
        const present = current.get(change.after.id);
        // Removed already, by an earlier run of this undo.
        if (!present) {
          restored++;
          continue;
        }
        const links = present.memberCount === 0 ? await deps.cohorts.links(present.id) : [];
        const reason = !sameCohort(present, change.after)
          ? `changed since the import (now at version ${present.version}): left as it is`
          : present.memberCount > 0
            ? `it has ${present.memberCount} members the import did not add: left as it is`
            : links.length > 0
              ? `it is linked to ${links.length} course(s) now: left as it is (unlink it first)`
              : named.has(present.id)
                ? 'a rule cohort names it now: left as it is'
                : undefined;
        if (reason) {
          refused.push({ line: change.line, key: present.name, reason });
          continue;
        }
        removals.push({ seq: change.seq, cohort: present });
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: 'cohort.deleted',
            target: `cohort:${present.id}`,
            before: present,
            after: null,
          }),
        );
      }
      const failed = await deps.cohortBulk.remove(removals, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const { seq, cohort } of removals) {
        const reason = failed.get(seq);
        if (reason === undefined) restored++;
        else refused.push({ line: lines.get(seq) ?? 0, key: cohort.name, reason });
      }
      return { restored, refused };
    },
  };
}

/** Reasons a membership was not made, which a later change of the same import may still make possible. */
const NO_PERSON = 'the person is not there (not created by the import, or removed since)';

export function membershipChanges(deps: CohortChangeDeps): ChangeKind<MembershipChange> {
  return {
    key: (change) => change.key,

    async written(changes) {
      const current = await deps.cohortBulk.members(changes.map((change) => change.after));
      return new Set(
        changes
          .filter((change) => current.get(membershipKey(change.after))?.addedBy === change.after.addedBy)
          .map((change) => change.seq),
      );
    },

    async write(changes, run) {
      const refused = new Map<number, string>();
      const [people, cohorts] = await Promise.all([
        deps.peopleBulk.current(unique(changes.map((change) => change.after.userId))),
        deps.cohortBulk.current(unique(changes.map((change) => change.after.cohortId))),
      ]);
      const joining = new Map<string, MembershipChange[]>();
      for (const change of changes) {
        const person = people.get(change.after.userId);
        if (!person) refused.set(change.seq, NO_PERSON);
        else if (!cohorts.has(change.after.cohortId))
          refused.set(change.seq, 'the cohort is not there (not created by the import, or removed since)');
        else joining.set(change.after.cohortId, [...(joining.get(change.after.cohortId) ?? []), change]);
      }
      for (const group of joining.values()) {
        await run.keep();
        const seqs = new Map(group.map((change) => [membershipKey(change.after), change.seq]));
        // Those already in (someone added them since the plan) are left as they are: nothing to do.
        await deps.cohorts.addMembers(
          group.map((change) => change.after),
          (batch) => memberAudit(deps, run, 'cohort.member_added', batch, seqs),
        );
      }
      return refused;
    },

    async waiting(refused) {
      // A person the import creates later (waiting for their manager) can still join.
      const people = await deps.peopleBulk.current(unique(refused.map((change) => change.after.userId)));
      return new Set(
        refused.filter((change) => !people.has(change.after.userId)).map((change) => change.seq),
      );
    },

    async undo(changes, run) {
      const current = await deps.cohortBulk.members(changes.map((change) => change.after));
      const leaving = new Map<string, CohortMember[]>();
      const seqs = new Map<string, number>();
      let restored = 0;
      for (const change of changes) {
        const present = current.get(membershipKey(change.after));
        // Gone already, or made by someone else (the import found the person in): nothing of the import's.
        if (present?.addedBy !== change.after.addedBy) {
          restored++;
          continue;
        }
        seqs.set(membershipKey(present), change.seq);
        leaving.set(present.cohortId, [...(leaving.get(present.cohortId) ?? []), present]);
      }
      for (const members of leaving.values()) {
        await run.keep();
        // Whoever left meanwhile is gone either way: each membership is put back once.
        await deps.cohorts.removeMembers(members, (batch) =>
          memberAudit(deps, run, 'cohort.member_removed', batch, seqs, 'undo.'),
        );
        restored += members.length;
      }
      return { restored, refused: [] };
    },
  };
}

/** One audit record per batch, its id fixed by the batch's first change, so a resumed run writes the same. */
function memberAudit(
  deps: CohortChangeDeps,
  run: Run,
  action: 'cohort.member_added' | 'cohort.member_removed',
  batch: readonly CohortMember[],
  seqs: ReadonlyMap<string, number>,
  prefix = '',
): AuditRecord {
  const first = batch[0] ? seqs.get(membershipKey(batch[0])) : undefined;
  return importAudit(deps.runtime, run, `${prefix}member.${first ?? 0}`, memberBatchChange(action, batch));
}

/** Whether the cohort is as the import wrote it: its own fields and version (people join without one). */
function sameCohort(present: Cohort | undefined, written: Cohort): boolean {
  if (!present) return false;
  const own = (cohort: Cohort) => {
    const { memberCount: _members, ...rest } = Cohort.parse(cohort);
    return rest;
  };
  return JSON.stringify(own(present)) === JSON.stringify(own(written));
}

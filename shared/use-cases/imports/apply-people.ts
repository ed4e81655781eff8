/**
 * People in apply and undo. A profile is written only if it is still at the version the plan read (a new
 * person: no profile, and their email and external id free), with its claims, department counts and audit
 * record, many people per transaction. Status changes (suspensions, reactivations) go through the person's
 * own guarded write, so the last active administrator is never suspended, and a suspension signs the person
 * out. Undo puts each profile back while it holds what the import wrote (its fields, whatever its version, so
 * undoing a later import of the same person first is no change); a person the import created is removed.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord } from '../../domain/audit.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RowNote } from '../../domain/import.ts';
import { User } from '../../domain/user.ts';
import type { IdentityDirectory, Runtime, UserRepository } from '../ports.ts';
import { type ChangeKind, importAudit, type Run } from './changes.ts';
import type { PeopleBulk, PersonChange } from './ports.ts';

export interface PeopleChangeDeps {
  peopleBulk: Pick<PeopleBulk, 'current' | 'write' | 'restore'>;
  /** The guarded write of a status change (suspension, reactivation): the admin-seat rules apply. */
  users: Pick<UserRepository, 'update'>;
  /** Signs suspended people out, as `POST /users/{id}/suspend` does. */
  directory: Pick<IdentityDirectory, 'signOut'>;
  runtime: Runtime;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export function peopleChanges(deps: PeopleChangeDeps): ChangeKind<PersonChange> {
  return {
    key: (change) => change.after.email,

    async written(changes) {
      const current = await deps.peopleBulk.current(changes.map((change) => change.after.id));
      return new Set(
        changes.filter((change) => isWritten(current.get(change.after.id), change.after)).map((c) => c.seq),
      );
    },

    async write(changes, run) {
      const guarded = changes.filter(
        (change) => change.before && change.before.status !== change.after.status,
      );
      const batch = changes.filter((change) => !guarded.includes(change));
      const refused = await deps.peopleBulk.write(
        batch,
        batch.map((change) => personAudit(deps, run, change)),
      );
      for (const change of guarded) {
        if (!change.before) continue;
        await run.keep();
        try {
          await deps.users.update(change.before, change.after, personAudit(deps, run, change));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refused.set(change.seq, error.message);
          continue;
        }
        if (change.after.status === 'suspended' && change.after.linkedLogin)
          await deps.directory.signOut(change.after.linkedLogin.username).catch((error: Error) =>
            deps.logger?.warn('suspended by an import, but the sign-out failed', {
              userId: change.after.id,
              error: error.name,
            }),
          );
      }
      return refused;
    },

    // A person with a new manager may have been refused for the manager not written yet (further down the
    // file, or later in the same chunk): tried again once the rest is written.
    async waiting(refused) {
      return new Set(
        refused
          .filter((change) => change.after.managerId && change.after.managerId !== change.before?.managerId)
          .map((change) => change.seq),
      );
    },

    async undo(changes, run) {
      const current = await deps.peopleBulk.current(changes.map((change) => change.after.id));
      const now = deps.runtime.now().toISOString();
      const restores: { seq: number; before: User; after: User | null }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      for (const change of changes) {
        const present = current.get(change.after.id);
        if (!present) {
          // A person the import created and an earlier run of this undo removed already.
          if (change.before === null) restored++;
          else
            refused.push({ line: change.line, key: change.after.email, reason: 'removed since the import' });
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
            key: change.after.email,
            reason: `changed since the import (now at version ${present.version}): left as it is`,
          });
          continue;
        }
        const back = change.before
          ? { ...change.before, updatedAt: now, version: present.version + 1 }
          : null;
        restores.push({ seq: change.seq, before: present, after: back });
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: back ? statusAction(present, back) : 'user.removed',
            target: `user:${present.id}`,
            before: present,
            after: back ?? { removedBy: `import:${run.record.id}` },
          }),
        );
      }
      const failed = await deps.peopleBulk.restore(restores, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const restore of restores) {
        const reason = failed.get(restore.seq);
        if (reason === undefined) restored++;
        else refused.push({ line: lines.get(restore.seq) ?? 0, key: restore.before.email, reason });
      }
      return { restored, refused };
    },
  };
}

/** The audit record of one change to a person, as the API audits the same change. */
function personAudit(deps: PeopleChangeDeps, run: Run, change: PersonChange): AuditRecord {
  return importAudit(deps.runtime, run, String(change.seq), {
    action: change.before === null ? 'user.created' : statusAction(change.before, change.after),
    target: `user:${change.after.id}`,
    before: change.before,
    after: change.after,
  });
}

function statusAction(from: User, to: User): string {
  if (from.status !== to.status) return to.status === 'active' ? 'user.reactivated' : 'user.suspended';
  return 'user.updated';
}

/** Whether the profile is exactly the one the import wrote. */
function isWritten(present: User | undefined, written: User): boolean {
  return (
    present !== undefined && present.version === written.version && present.updatedAt === written.updatedAt
  );
}

/**
 * Whether a profile holds what `other` holds, whatever its version and time of change: undoing a later import
 * that changed the person too puts back what this import wrote, at a newer version, and this import may then
 * be undone.
 */
function sameContent(present: User, other: User): boolean {
  const { version, updatedAt } = other;
  return JSON.stringify(User.parse({ ...present, version, updatedAt })) === JSON.stringify(User.parse(other));
}

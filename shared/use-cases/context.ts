/** The audit record of a use case's change, from the actor that made it. */
import { type AuditActor, type AuditRecord, auditRecord } from '../domain/audit.ts';
import type { Actor } from '../domain/principal.ts';
import type { Runtime } from './ports.ts';

function auditActor(actor: Actor): AuditActor {
  return {
    sub: actor.principal.sub,
    userId: actor.principal.userId,
    email: actor.principal.email,
    roles: [...actor.principal.roles],
  };
}

/**
 * The audit record of one change made by `actor`: written by the store in the same transaction as the change.
 * @example auditChange(deps.runtime, actor, 'user.updated', `user:${id}`, before, after)
 */
export function auditChange(
  runtime: Runtime,
  actor: Actor,
  action: string,
  target: string,
  before: object | null,
  after: object | null,
): AuditRecord {
  return auditRecord({
    id: runtime.newId(),
    at: runtime.now(),
    action,
    target,
    actor: auditActor(actor),
    requestId: actor.requestId,
    before,
    after,
  });
}

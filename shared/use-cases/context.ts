/** What every use case receives about the request it serves: who acts, and the request id for the audit. */
import type { AuditActor } from '../domain/audit.ts';
import type { Principal } from '../http/principal.ts';

export interface Actor {
  principal: Principal;
  requestId: string;
}

export function auditActor(actor: Actor): AuditActor {
  return { sub: actor.principal.sub, email: actor.principal.email, roles: [...actor.principal.roles] };
}

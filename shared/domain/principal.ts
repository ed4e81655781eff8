/**
 * Who acts: the caller of a request (a person or a machine client) and what a use case receives about it.
 * The HTTP adapter builds a Principal from the authorizer's context (shared/http/principal.ts); jobs and
 * triggers build their own.
 */
import type { ApiScope } from './api-scopes.ts';

/** LMS roles; each is a Cognito group of the same name. */
export const ROLES = ['admin', 'manager', 'instructor', 'learner'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** A person's Cognito `sub`; a machine client's `client:<clientId>`; a job's `job:<name>`. Stable identity for the audit. */
  readonly sub: string;
  /**
   * The LMS profile this login is linked to (by its `sub`, never by email): who the caller is, for every
   * decision about their own records. Null for a login no profile is linked to, machine clients and jobs.
   */
  readonly userId: string | null;
  /** The email the token carried: shown in audit records, never used to decide who the caller is. */
  readonly email: string | null;
  /** A person's LMS roles; none for a machine client (scopes decide what it may call). */
  readonly roles: readonly Role[];
  /** Set for a machine client (client-credentials access token): its OAuth client and granted scopes. */
  readonly client?: { readonly id: string; readonly scopes: readonly ApiScope[] };
}

/** What every use case receives about the request it serves: who acts, and the request id for the audit. */
export interface Actor {
  principal: Principal;
  requestId: string;
}

/**
 * Whether the caller acts on the whole organisation rather than a department subtree or their own
 * records: administrators, and machine clients (their scopes, checked at the route, bound what they do).
 */
/**
 * Who acted, as a record that later decides access keeps it (a job's `createdBy`): the person's LMS user
 * id, else the login's or machine client's `sub`. Never the email, which can change.
 */
export function actorId(principal: Principal): string {
  return principal.userId ?? principal.sub;
}

/** Whether the caller is this person (their login is linked to this profile). */
export function isSelf(principal: Principal, userId: string): boolean {
  return principal.userId !== null && principal.userId === userId;
}

export function actsOrganisationWide(principal: Principal): boolean {
  return principal.client !== undefined || principal.roles.includes('admin');
}

/**
 * The actor of work the LMS does itself (a job, a trigger, the seed): no login, no profile.
 * @example systemActor('job:compliance-sweep', event.id)
 */
export function systemActor(name: string, requestId: string, roles: readonly Role[] = []): Actor {
  return { principal: { sub: name, userId: null, email: null, roles }, requestId };
}

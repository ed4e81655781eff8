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
export function actsOrganisationWide(principal: Principal): boolean {
  return principal.client !== undefined || principal.roles.includes('admin');
}

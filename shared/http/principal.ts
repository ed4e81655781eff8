/**
 * Who is calling: read from what the API's request authorizer (shared/http/authorizer.ts) puts in
 * `requestContext.authorizer`. The Lambda authorizer does it in AWS and the local gateway runs the same code,
 * so handlers see one shape everywhere: flat string fields, as API Gateway passes an authorizer's context.
 */
import { type ApiScope, SCOPE_NAMES } from '../domain/api-scopes.ts';
import { ROLES, type Role } from './route.ts';

export interface Principal {
  /** A person's Cognito `sub`; a machine client's `client:<clientId>`. Stable identity for the audit. */
  readonly sub: string;
  readonly email: string | null;
  /** A person's LMS roles; none for a machine client (scopes decide what it may call). */
  readonly roles: readonly Role[];
  /** Set for a machine client (client-credentials access token): its OAuth client and granted scopes. */
  readonly client?: { readonly id: string; readonly scopes: readonly ApiScope[] };
}

/**
 * Reads the caller from the authorizer context, or `undefined` when there is none (anonymous).
 * `cognito:groups` is a comma-separated string ("admin,manager"); a JSON array or API Gateway's
 * "[admin manager]" is accepted too. Unknown group and scope names are ignored: they grant nothing.
 * @example principalFromAuthorizer({ principal: 'person', sub: 'abc', email: 'a@b.c', 'cognito:groups': 'admin' })
 */
export function principalFromAuthorizer(
  context: Record<string, unknown> | null | undefined,
): Principal | undefined {
  if (!context) return undefined;
  if (context.principal === 'client') {
    const id = context.client_id;
    if (typeof id !== 'string' || id === '') return undefined;
    const granted = typeof context.scope === 'string' ? context.scope.split(/\s+/) : [];
    const scopes = SCOPE_NAMES.filter((scope) => granted.includes(scope));
    return { sub: `client:${id}`, email: null, roles: [], client: { id, scopes } };
  }
  const sub = context.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const email = typeof context.email === 'string' ? context.email : null;
  return { sub, email, roles: parseGroups(context['cognito:groups']) };
}

function parseGroups(raw: unknown): Role[] {
  const names = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[,\s]+/)
      : [];
  return ROLES.filter((role) => names.includes(role));
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}

/**
 * Whether the caller acts on the whole organisation rather than a department subtree or their own
 * records: administrators, and machine clients (their scopes, checked at the route, bound what they do).
 */
export function actsOrganisationWide(principal: Principal): boolean {
  return principal.client !== undefined || principal.roles.includes('admin');
}

/**
 * Who is calling: built from the claims API Gateway's Cognito authorizer puts in
 * `requestContext.authorizer.claims` (the local gateway puts the same claims in the same place).
 */
import { ROLES, type Role } from './route.ts';

export interface Principal {
  /** Cognito `sub`: stable identity of the caller. */
  readonly sub: string;
  readonly email: string | null;
  readonly roles: readonly Role[];
}

/**
 * Reads the caller from authorizer claims, or `undefined` when there are none (anonymous).
 * API Gateway passes `cognito:groups` as a string ("admin" or "admin,manager", or "[admin manager]" in
 * some integrations); a JSON array is accepted too. Unknown group names are ignored: they grant nothing.
 * @example principalFromClaims({ sub: 'abc', email: 'a@b.c', 'cognito:groups': 'admin' })
 */
export function principalFromClaims(
  claims: Record<string, unknown> | null | undefined,
): Principal | undefined {
  if (!claims) return undefined;
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const email = typeof claims.email === 'string' ? claims.email : null;
  return { sub, email, roles: parseGroups(claims['cognito:groups']) };
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

/**
 * Who is calling: read from what the API's request authorizer (shared/http/authorizer.ts) puts in
 * `requestContext.authorizer`. The Lambda authorizer does it in AWS and the local gateway runs the same code,
 * so handlers see one shape everywhere: flat string fields, as API Gateway passes an authorizer's context.
 */
import { SCOPE_NAMES } from '../domain/api-scopes.ts';
import { type Principal, ROLES, type Role } from '../domain/principal.ts';

/**
 * Reads the caller from the authorizer context, or `undefined` when there is none (anonymous).
 * A person's `userId` is the profile the authorizer found linked to the login's `sub` (`lms_user_id`).
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
    return { sub: `client:${id}`, userId: null, email: null, roles: [], client: { id, scopes } };
  }
  const sub = context.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const email = typeof context.email === 'string' ? context.email : null;
  const userId =
    typeof context.lms_user_id === 'string' && context.lms_user_id !== '' ? context.lms_user_id : null;
  return { sub, userId, email, roles: parseGroups(context['cognito:groups']) };
}

function parseGroups(raw: unknown): Role[] {
  const names = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[,\s]+/)
      : [];
  return ROLES.filter((role) => names.includes(role));
}

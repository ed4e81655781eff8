/**
 * Deny by default: the route's `access` names the roles (people) and scopes (machine clients) that may call
 * it. No principal on a non-public route is a 401; a person with none of the roles, or a machine client
 * with none of the scopes, is a 403. Resource-level scope (department subtree, owned courses) is the use
 * case's job, in one place (shared/use-cases/access-scope.ts).
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '../../domain/principal.ts';
import { principalFromAuthorizer } from '../principal.ts';
import { HttpProblem } from '../problem.ts';
import type { RouteAccess } from '../route.ts';
import type { LmsContext } from './lms-context.ts';

export function authorize(
  access: RouteAccess,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      const context = request.event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
      const principal = principalFromAuthorizer(context);
      (request.context as LmsContext).principal = principal;
      if ('public' in access) return;
      if (!principal)
        throw new HttpProblem(401, 'Sign in first: send a bearer token in the Authorization header.');
      // API Gateway keeps an authorizer's answer for minutes; the token itself may have expired since.
      if (Number(context?.exp) * 1000 < Date.now())
        throw new HttpProblem(401, 'The token is invalid or expired; get a new one.');
      if (!principal.client) refuseWithoutActiveProfile(context?.lms_access);
      if (!allows(access, principal)) throw new HttpProblem(403, refusal(access, principal));
    },
  };
}

/**
 * A person acts only through the LMS profile their login is linked to, and only while it is active: a login
 * with no linked profile has no LMS identity (no scope at all), and a suspended profile is refused here
 * within the authorizer's cache time, even with a token issued before the suspension.
 */
function refuseWithoutActiveProfile(access: unknown): void {
  if (access === 'active') return;
  if (access === 'suspended')
    throw new HttpProblem(403, 'Your LMS account is suspended. Contact your LMS administrator.');
  throw new HttpProblem(
    403,
    'Your sign-in is not linked to an LMS profile, so it has no access. Ask your LMS administrator to create your profile with the email you sign in with.',
  );
}

export function allows(access: RouteAccess, principal: Principal | undefined): boolean {
  if ('public' in access) return true;
  if (!principal) return false;
  if (principal.client)
    return principal.client.scopes.some((scope) => access.scopes?.includes(scope) === true);
  return principal.roles.some((role) => access.roles.includes(role));
}

function refusal(access: Exclude<RouteAccess, { public: true }>, principal: Principal): string {
  if (principal.client) {
    const granted = principal.client.scopes.length > 0 ? principal.client.scopes.join(', ') : 'no LMS scope';
    return access.scopes && access.scopes.length > 0
      ? `This needs one of the scopes ${access.scopes.join(', ')}; the token has ${granted}.`
      : 'This route is for people only: machine clients cannot call it.';
  }
  const roles = principal.roles.length > 0 ? principal.roles.join(', ') : 'no LMS role';
  return `This needs one of the roles ${access.roles.join(', ')}; you have ${roles}.`;
}

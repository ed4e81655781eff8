/**
 * Deny by default: the route's `access` names the roles that may call it. No principal on a non-public
 * route is a 401; a principal with none of the roles is a 403. Resource-level scope (department subtree,
 * owned courses) is the use case's job, in one place (shared/use-cases/access-scope.ts).
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type Principal, principalFromClaims } from '../principal.ts';
import { HttpProblem } from '../problem.ts';
import type { RouteAccess } from '../route.ts';
import type { LmsContext } from './lms-context.ts';

export function authorize(
  access: RouteAccess,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      const claims = request.event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
      const principal = principalFromClaims(claims);
      (request.context as LmsContext).principal = principal;
      if ('public' in access) return;
      if (!principal)
        throw new HttpProblem(401, 'Sign in first: send a bearer token in the Authorization header.');
      if (!allows(access, principal)) {
        throw new HttpProblem(
          403,
          `This needs one of the roles ${access.roles.join(', ')}; you have ${describe(principal)}.`,
        );
      }
    },
  };
}

export function allows(access: RouteAccess, principal: Principal | undefined): boolean {
  if ('public' in access) return true;
  return principal?.roles.some((role) => access.roles.includes(role)) === true;
}

function describe(principal: Principal): string {
  return principal.roles.length > 0 ? principal.roles.join(', ') : 'no LMS role';
}

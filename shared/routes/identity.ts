/** Identity routes: a person's roles (Cognito groups) and "why can't this person get in". */
import { AccessQuery, AccessReport, SetRolesBody, UserRoles } from '../domain/access.ts';
import { UserIdParams } from '../domain/user.ts';
import { defineRoute } from '../http/route.ts';

export const setUserRoles = defineRoute({
  id: 'setUserRoles',
  method: 'PUT',
  path: '/users/{id}/roles',
  handler: 'functions/identity/set-user-roles.ts',
  summary:
    "Set a person's roles (their login's Cognito groups), with a reason; audited. Admins cannot drop their own admin role",
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: { params: UserIdParams, body: SetRolesBody },
  response: { status: 200, description: 'The roles now, and what changed', body: UserRoles },
  needs: { table: 'write', userPool: 'users' },
});

export const getUserAccess = defineRoute({
  id: 'getUserAccess',
  method: 'GET',
  path: '/users/{id}/access',
  handler: 'functions/identity/get-user-access.ts',
  summary:
    "Why can't this person get in: LMS status, login status, roles, SSO identities, recent sign-ins, and (courseId) access to a course",
  tag: 'Identity',
  access: { roles: ['admin', 'manager'] },
  request: { params: UserIdParams, query: AccessQuery },
  response: { status: 200, description: 'What stands in the way, if anything', body: AccessReport },
  needs: { table: 'read', userPool: 'users' },
});

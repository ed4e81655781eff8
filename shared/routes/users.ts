/** People routes. Handlers import their route from here, so each bundle carries only its own area. */
import { pageOf } from '../domain/common.ts';
import {
  CreateUserBody,
  ListUsersQuery,
  SuspendUserBody,
  UpdateUserBody,
  User,
  UserIdParams,
} from '../domain/user.ts';
import { defineRoute } from '../http/route.ts';

export const createUser = defineRoute({
  id: 'createUser',
  method: 'POST',
  path: '/users',
  handler: 'functions/users/create-user.ts',
  summary:
    'Create a person (email and external id must be unique), linked to the login that already has their email when it may speak for them',
  tag: 'People',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { body: CreateUserBody, idempotent: true },
  response: { status: 201, description: 'Created; ETag carries the version', body: User },
  needs: { table: 'write', userPool: 'lookup' },
});

export const getUser = defineRoute({
  id: 'getUser',
  method: 'GET',
  path: '/users/{id}',
  handler: 'functions/users/get-user.ts',
  summary: 'Read a person (managers: their department subtree; learners: themselves)',
  tag: 'People',
  access: { roles: ['admin', 'manager', 'learner'], scopes: ['lms/users.read'] },
  request: { params: UserIdParams },
  response: { status: 200, description: 'The person; ETag carries the version', body: User },
  needs: { table: 'read' },
});

export const listUsers = defineRoute({
  id: 'listUsers',
  method: 'GET',
  path: '/users',
  handler: 'functions/users/list-users.ts',
  summary:
    'List people by email, filtered by department and status (managers: their subtree, department by department)',
  tag: 'People',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { query: ListUsersQuery },
  response: { status: 200, description: 'A page of people', body: pageOf(User) },
  needs: { table: 'read' },
});

export const updateUser = defineRoute({
  id: 'updateUser',
  method: 'PATCH',
  path: '/users/{id}',
  handler: 'functions/users/update-user.ts',
  summary: 'Change a person (send the ETag you read as If-Match)',
  tag: 'People',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: UserIdParams, body: UpdateUserBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated person', body: User },
  needs: { table: 'write' },
});

export const suspendUser = defineRoute({
  id: 'suspendUser',
  method: 'POST',
  path: '/users/{id}/suspend',
  handler: 'functions/users/suspend-user.ts',
  summary:
    'Suspend a person, with a reason (they keep their records): their login is signed out everywhere; refused for yourself and for the last active administrator (409)',
  tag: 'People',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: UserIdParams, body: SuspendUserBody, ifMatch: 'optional' },
  response: { status: 200, description: 'The suspended person', body: User },
  needs: { table: 'write', userPool: 'sign-out' },
});

export const reactivateUser = defineRoute({
  id: 'reactivateUser',
  method: 'POST',
  path: '/users/{id}/reactivate',
  handler: 'functions/users/reactivate-user.ts',
  summary: 'Reactivate a suspended person',
  tag: 'People',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: UserIdParams, ifMatch: 'optional' },
  response: { status: 200, description: 'The reactivated person', body: User },
  needs: { table: 'write' },
});

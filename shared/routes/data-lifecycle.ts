/** Data lifecycle routes: the retention policy, erasure of a person, legal hold. */
import * as z from 'zod';
import { DataLifecycleSettings, UpdateDataLifecycleBody } from '../domain/settings.ts';
import { LegalHoldBody, User, UserIdParams } from '../domain/user.ts';
import { defineRoute } from '../http/route.ts';

export const getDataLifecycleSettings = defineRoute({
  id: 'getDataLifecycleSettings',
  method: 'GET',
  path: '/settings/data-lifecycle',
  handler: 'functions/lifecycle/get-data-lifecycle-settings.ts',
  summary:
    'Read the retention policy: content archival after N days, erasure of suspended people, audit retention, sign-in history (read-only)',
  tag: 'Data lifecycle',
  access: { roles: ['admin'] },
  request: {},
  response: { status: 200, description: 'The policy; ETag carries the version', body: DataLifecycleSettings },
  needs: { table: 'read' },
});

export const updateDataLifecycleSettings = defineRoute({
  id: 'updateDataLifecycleSettings',
  method: 'PUT',
  path: '/settings/data-lifecycle',
  handler: 'functions/lifecycle/update-data-lifecycle-settings.ts',
  summary:
    'Change the retention policy (send the ETag you read as If-Match); signInHistoryDays is the table TTL and cannot change (422)',
  tag: 'Data lifecycle',
  access: { roles: ['admin'] },
  request: { body: UpdateDataLifecycleBody, ifMatch: 'required' },
  response: { status: 200, description: 'The changed policy', body: DataLifecycleSettings },
  needs: { table: 'write' },
});

export const EraseUserBody = z
  .strictObject({
    confirm: z.string().max(300).describe('Type "erase <the person\'s email>": erasure cannot be undone'),
  })
  .meta({ id: 'EraseUser' });

export const ErasureResult = z
  .object({
    user: User,
    login: z.enum(['deleted', 'none']).describe('What became of their login: deleted, or there was none'),
    signInsDeleted: z.number().int(),
    recordsRedacted: z
      .number()
      .int()
      .describe('Records of their own audit trail and enrollments whose personal data was redacted'),
  })
  .meta({ id: 'ErasureResult' });

export const eraseUser = defineRoute({
  id: 'eraseUser',
  method: 'POST',
  path: '/users/{id}/erase',
  handler: 'functions/lifecycle/erase-user.ts',
  summary:
    'Erase a person (typed confirmation "erase <email>"): the profile is anonymised, the login deleted, learning records kept under the id; refused under legal hold, for the last active administrator and when already erased (409)',
  tag: 'Data lifecycle',
  access: { roles: ['admin'] },
  request: { params: UserIdParams, body: EraseUserBody },
  response: { status: 200, description: 'What the erasure did', body: ErasureResult },
  needs: { table: 'write', userPool: 'erase' },
  timeoutSeconds: 29,
});

export const setLegalHold = defineRoute({
  id: 'setLegalHold',
  method: 'PUT',
  path: '/users/{id}/legal-hold',
  handler: 'functions/lifecycle/set-legal-hold.ts',
  summary: "Place a legal hold on a person's data, with the reason: nobody erases them while it stands",
  tag: 'Data lifecycle',
  access: { roles: ['admin'] },
  request: { params: UserIdParams, body: LegalHoldBody, ifMatch: 'optional' },
  response: { status: 200, description: 'The person, with the hold', body: User },
  needs: { table: 'write' },
});

export const releaseLegalHold = defineRoute({
  id: 'releaseLegalHold',
  method: 'DELETE',
  path: '/users/{id}/legal-hold',
  handler: 'functions/lifecycle/release-legal-hold.ts',
  summary: "Release a person's legal hold",
  tag: 'Data lifecycle',
  access: { roles: ['admin'] },
  request: { params: UserIdParams, ifMatch: 'optional' },
  response: { status: 200, description: 'The person, without a hold', body: User },
  needs: { table: 'write' },
});

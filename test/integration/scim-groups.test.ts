/**
 * A SCIM group of 10,000 people on DynamoDB Local: accepted in pages of PATCHes of 1,000, refused at once
 * beyond (tooMany, nothing changed), and read without its members when the request excludes them. It runs on
 * a table of its own (dropped afterwards), whose stream no event bus reads: 10,000 membership events would
 * hold up every later test's events on the shared one.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTableDefinition } from '../../infra/local/resources.ts';
import { dynamoDb } from '../../shared/clients.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import type { User } from '../../shared/domain/user.ts';
import { ScimError } from '../../shared/scim/errors.ts';
import { batchWriteAll } from '../../shared/store/batch-write.ts';
import { DynamoCohortRepository } from '../../shared/store/cohort-store.ts';
import { DynamoDepartmentRepository } from '../../shared/store/department-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { DynamoUserRepository } from '../../shared/store/user-store.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import type { CohortRepository } from '../../shared/use-cases/ports.ts';
import {
  findScimGroups,
  patchScimGroup,
  provisionGroup,
  scimGroupById,
} from '../../shared/use-cases/scim-groups.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const tableName = `scim-groups-${randomUUID().slice(0, 8)}`;
const client = dynamoDb();
const cohorts = new DynamoCohortRepository(client, tableName);
const deps = {
  cohorts,
  users: new DynamoUserRepository(client, tableName),
  departments: new DynamoDepartmentRepository(client, tableName),
  runtime: systemRuntime,
};
const idp = systemActor('client:scim-token:large-group', 'req-large-group');
const people: string[] = Array.from({ length: 10_000 }, () => randomUUID());

/** The people as stored profiles, written in batches: what is measured is the group, not 10,000 creates. */
function profile(id: string, index: number): User {
  const at = '2026-01-15T10:00:00.000Z';
  return {
    id,
    email: `member${index}@example.com`,
    givenName: 'Member',
    familyName: String(index),
    departmentId: null,
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** The cohort repository, minus reading every member: a call to it fails the test. */
function withoutReadingAll(): CohortRepository {
  return Object.assign(Object.create(cohorts) as CohortRepository, {
    allMemberIds: () => Promise.reject(new Error('read every member')),
  });
}

beforeAll(async () => {
  await client.send(new CreateTableCommand(localTableDefinition(tableName)));
  await batchWriteAll(
    client,
    tableName,
    people.map((id, index) => ({
      PutRequest: { Item: { ...keys.user(id), entity: 'user', ...profile(id, index) } },
    })),
  );
}, 120_000);

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
});

describe('a SCIM group of 10,000 people', () => {
  it('takes its members in PATCHes of 1,000, refuses more at once, and reads no member it is not asked for', async () => {
    // Prepare
    const { cohort } = await provisionGroup(deps, idp, {
      schemas: [GROUP],
      displayName: 'Everyone at Example',
    });
    const add = (ids: readonly string[]) => ({
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
    });

    // Act 1: everyone at once
    const atOnce = patchScimGroup(
      { ...deps, cohorts: withoutReadingAll() },
      idp,
      cohort.id,
      undefined,
      add(people).Operations,
    );

    // Assess 1: tooMany, and nobody joined
    await expect(atOnce).rejects.toEqual(
      new ScimError(
        400,
        'tooMany',
        'The request names 10000 members; at most 1000 a request: send them in several PATCHes.',
      ),
    );
    expect((await cohorts.get(cohort.id))?.memberCount).toBe(0);

    // Act 2: in ten pages, as an identity provider sends a large group, never reading the whole membership
    for (let start = 0; start < people.length; start += 1000) {
      await patchScimGroup(
        { ...deps, cohorts: withoutReadingAll() },
        idp,
        cohort.id,
        undefined,
        add(people.slice(start, start + 1000)).Operations,
      );
    }

    // Assess 2: all 10,000 are members
    expect((await cohorts.get(cohort.id))?.memberCount).toBe(10_000);
    expect((await cohorts.allMemberIds(cohort.id)).sort()).toEqual([...people].sort());

    // Act 3: one leaves (Okta's remove by filter), and the group is read as the IdPs read it
    const leaver = people[4321] as string;
    await patchScimGroup({ ...deps, cohorts: withoutReadingAll() }, idp, cohort.id, undefined, [
      { op: 'remove', path: `members[value eq "${leaver}"]` },
    ]);
    const read = await scimGroupById({ ...deps, cohorts: withoutReadingAll() }, cohort.id, false);
    const found = await findScimGroups(
      { ...deps, cohorts: withoutReadingAll() },
      `displayName eq "everyone at example" and members[value eq "${people[0]}"]`,
      { startIndex: 1, count: 100 },
      false,
    );

    // Assess 3
    expect((await cohorts.get(cohort.id))?.memberCount).toBe(9_999);
    expect(await cohorts.membersAmong(cohort.id, [leaver, people[0] as string])).toEqual([people[0]]);
    expect(read).toEqual({ cohort: expect.objectContaining({ id: cohort.id }), memberIds: undefined });
    expect(found.total).toBe(1);
    expect(found.groups[0]?.memberIds).toBeUndefined();
  }, 300_000);
});

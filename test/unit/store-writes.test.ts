/**
 * The store's write helpers and their one behaviour on failure: claims (claims.ts), versioned writes
 * (versioned.ts) and the transaction's error mapping (transact.ts). DynamoDB Local never throttles and
 * rarely cancels for conflicts, so the failures are injected here in the SDK's own shapes.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../shared/domain/audit.ts';
import { ConflictError, CourseBusyError, StaleVersionError } from '../../shared/domain/errors.ts';
import type { User } from '../../shared/domain/user.ts';
import { toProblem } from '../../shared/http/problem.ts';
import { claimWrite, moveClaim, releaseWrite } from '../../shared/store/claims.ts';
import { DynamoEnrollmentRepository } from '../../shared/store/enrollment-store.ts';
import { LocalMachineClients } from '../../shared/store/local-oauth-clients.ts';
import { type GuardedWrite, transactWrite } from '../../shared/store/transact.ts';
import { DynamoUserRepository } from '../../shared/store/user-store.ts';
import { deleteVersioned, putNew, putVersioned, updateVersioned } from '../../shared/store/versioned.ts';

const table = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const TABLE = 'lms-test';

/** TransactWriteItems cancelled with one reason per write, as DynamoDB reports it. */
function cancelled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

const put = (id: string): GuardedWrite => ({ item: { Put: { TableName: TABLE, Item: { pk: id, sk: id } } } });

const ADA: User = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  email: 'ada@example.com',
  givenName: 'Ada',
  familyName: 'Lovelace',
  departmentId: null,
  managerId: null,
  jobTitle: null,
  location: null,
  externalId: 'HR-1',
  hireDate: null,
  customAttributes: {},
  status: 'active',
  suspendedAt: null,
  suspensionReason: null,
  stickyFields: [],
  linkedLogin: null,
  scim: null,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
  version: 1,
};
const AUDIT: AuditRecord = {
  id: 'a1',
  at: '2026-01-05T10:00:00.000Z',
  action: 'user.created',
  target: `user:${ADA.id}`,
  actor: { sub: 'admin', userId: null, email: 'admin@example.com', roles: ['admin'] },
  requestId: 'req-1',
  before: null,
  after: { id: ADA.id },
};

beforeEach(() => {
  table.reset();
  // No waiting between attempts: the backoff is random * 20 ms * 2^attempt.
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('transactWrite', () => {
  it("throws the error of the write whose condition failed, by the reason's position", async () => {
    // Prepare
    table.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    const second: GuardedWrite = { ...put('b'), onConditionFailed: () => new ConflictError('b is taken') };
    const first: GuardedWrite = { ...put('a'), onConditionFailed: () => new ConflictError('a is taken') };
    // Act
    const attempt = transactWrite(client, [first, second, put('c')]);
    // Assess
    await expect(attempt).rejects.toThrow('b is taken');
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('turns a failed condition no write maps into a 409 with a reason, without retrying', async () => {
    table.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    const error = await transactWrite(client, [put('a'), put('audit')]).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(toProblem(error)).toMatchObject({
      status: 409,
      detail:
        'Another change to the same records came first, so nothing was written; read them again and retry.',
    });
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('retries a transaction conflict and succeeds when the other transaction is done', async () => {
    table
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None'))
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .resolves({});
    await transactWrite(client, [put('seats'), put('audit')]);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('gives up on conflicts after 8 attempts with a 409 that says so', async () => {
    table.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const error = await transactWrite(client, [put('seats'), put('audit')]).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(toProblem(error)).toMatchObject({
      status: 409,
      detail:
        'Concurrent changes to the same records kept colliding (8 attempts), so nothing was written; retry in a moment.',
    });
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(8);
  });

  it('retries throttling the same way', async () => {
    table
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ThrottlingError', 'None'))
      .rejectsOnce(cancelled('ProvisionedThroughputExceeded', 'None'))
      .resolves({});
    await transactWrite(client, [put('a'), put('b')]);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it.each([
    [
      ['None', 'ValidationError'],
      'The change was cancelled (ValidationError), so nothing was written; retry in a moment.',
    ],
    [
      ['ItemCollectionSizeLimitExceeded', 'TransactionConflict'],
      'The change was cancelled (ItemCollectionSizeLimitExceeded, TransactionConflict), so nothing was written; retry in a moment.',
    ],
    [[], 'The change was cancelled (no reason given), so nothing was written; retry in a moment.'],
  ])('turns any other cancellation (%j) into a 409 naming the reasons', async (codes, detail) => {
    table.on(TransactWriteCommand).rejects(cancelled(...codes));
    const error = await transactWrite(client, [put('a'), put('b')]).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(toProblem(error)).toMatchObject({ status: 409, detail });
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('lets an error that is not a cancellation through unchanged (a malformed request is a bug)', async () => {
    const malformed = new Error('Transaction request cannot include multiple operations on one item');
    malformed.name = 'ValidationException';
    table.on(TransactWriteCommand).rejects(malformed);
    await expect(transactWrite(client, [put('a'), put('a')])).rejects.toBe(malformed);
  });
});

describe('uniqueness claims', () => {
  it('claims a value on attribute_not_exists and releases it only for its owner', () => {
    const claim = { kind: 'email', key: 'ada@example.com', value: 'Ada@Example.com', ownerId: 'u1' } as const;
    expect(claimWrite(TABLE, claim).item).toEqual({
      Put: {
        TableName: TABLE,
        Item: { pk: 'UNIQUE#email#ada@example.com', sk: 'UNIQUE', entity: 'claim', ownerId: 'u1' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    expect(releaseWrite(TABLE, claim).item).toEqual({
      Delete: {
        TableName: TABLE,
        Key: { pk: 'UNIQUE#email#ada@example.com', sk: 'UNIQUE' },
        ConditionExpression: 'ownerId = :owner',
        ExpressionAttributeValues: { ':owner': 'u1' },
      },
    });
  });

  it.each([
    ['email', 'ada@example.com', 'The email ada@example.com is already in use.', 'body.email'],
    ['externalId', 'HR-7', 'The external id HR-7 is already in use.', 'body.externalId'],
    [
      'departmentName',
      'Sales',
      'The department name Sales is already in use among its sibling departments.',
      'body.name',
    ],
    [
      'categoryName',
      'Safety',
      'The category name Safety is already in use among its sibling categories.',
      'body.name',
    ],
    ['cohortName', 'Onboarding', 'The cohort name Onboarding is already in use.', 'body.name'],
    ['idpName', 'Okta', 'The identity provider name Okta is already in use.', 'body.name'],
    [
      'idpDomain',
      'corp.example',
      'The email domain corp.example is already in use by another identity provider.',
      'body.domains',
    ],
    ['apiClientName', 'Workday', 'The API client name Workday is already in use.', 'body.name'],
  ] as const)('a taken %s is a 409 naming the field', (kind, value, detail, path) => {
    const taken = claimWrite(TABLE, {
      kind,
      key: value.toLowerCase(),
      value,
      ownerId: 'o1',
    }).onConditionFailed?.();
    expect(taken).toBeInstanceOf(ConflictError);
    expect(toProblem(taken)).toMatchObject({
      status: 409,
      detail,
      errors: [{ path, message: 'already in use' }],
    });
  });

  it('a value no longer held by its owner is a 409 naming the field', () => {
    const gone = releaseWrite(TABLE, {
      kind: 'cohortName',
      key: 'onboarding',
      value: 'Onboarding',
      ownerId: 'c1',
    }).onConditionFailed?.();
    expect(toProblem(gone)).toMatchObject({
      status: 409,
      detail: 'The cohort name Onboarding is no longer held by c1; read it again and retry.',
      errors: [{ path: 'body.name', message: 'changed meanwhile' }],
    });
  });

  it('moves a claim only when its key changes', () => {
    const before = { kind: 'cohortName', key: 'onboarding', value: 'Onboarding', ownerId: 'c1' } as const;
    expect(moveClaim(TABLE, before, { ...before, value: 'ONBOARDING' })).toEqual([]);
    const moved = moveClaim(TABLE, before, { ...before, key: 'welcome', value: 'Welcome' });
    expect(moved.map((write) => Object.keys(write.item))).toEqual([['Delete'], ['Put']]);
    expect(moved.map((write) => (write.item.Delete?.Key ?? write.item.Put?.Item)?.pk)).toEqual([
      'UNIQUE#cohortName#onboarding',
      'UNIQUE#cohortName#welcome',
    ]);
    expect(moveClaim(TABLE, undefined, before).map((write) => Object.keys(write.item))).toEqual([['Put']]);
    expect(moveClaim(TABLE, before, undefined).map((write) => Object.keys(write.item))).toEqual([['Delete']]);
  });

  it("comes out of a store's transaction as that field's conflict (a user whose external id was taken meanwhile)", async () => {
    // Prepare: user, email claim, external id claim, audit
    table.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'));
    const users = new DynamoUserRepository(client, TABLE);
    // Act
    const error = await users.create(ADA, AUDIT).catch((caught) => caught);
    // Assess
    expect(toProblem(error)).toMatchObject({
      status: 409,
      detail: 'The external id HR-1 is already in use.',
      errors: [{ path: 'body.externalId', message: 'already in use' }],
    });
  });
});

describe('versioned writes', () => {
  it('replaces an item only at the version read; a failure is a 412', () => {
    const write = putVersioned(
      TABLE,
      { pk: 'USER#u1', sk: 'USER', version: 4 },
      { kind: 'user', id: 'u1', expected: 3 },
    );
    expect(write.item).toEqual({
      Put: {
        TableName: TABLE,
        Item: { pk: 'USER#u1', sk: 'USER', version: 4 },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': 3 },
      },
    });
    const stale = write.onConditionFailed?.();
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(toProblem(stale)).toMatchObject({
      status: 412,
      detail: 'The user u1 changed while you were editing it; read it again and retry.',
    });
  });

  it('creates with no version yet: an id that exists is a 409', () => {
    const write = putVersioned(
      TABLE,
      { pk: 'COURSE#c1', sk: 'COURSE' },
      { kind: 'course', id: 'c1', expected: null },
    );
    expect(write.item.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(toProblem(write.onConditionFailed?.())).toMatchObject({
      status: 409,
      detail: 'A course with id c1 already exists.',
    });
    expect(putNew(TABLE, { pk: 'COURSE#c1', sk: 'COURSE' }, { kind: 'course', id: 'c1' }).item).toEqual(
      write.item,
    );
  });

  it('adds the version condition to an update, keeping its own values', () => {
    const write = updateVersioned(
      TABLE,
      { pk: 'COHORT#c1', sk: 'COHORT' },
      {
        UpdateExpression: 'SET #name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': 'New' },
      },
      { kind: 'cohort', id: 'c1', expected: 2 },
    );
    expect(write.item).toEqual({
      Update: {
        TableName: TABLE,
        Key: { pk: 'COHORT#c1', sk: 'COHORT' },
        UpdateExpression: 'SET #name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':name': 'New', ':expected': 2 },
      },
    });
    expect(write.onConditionFailed?.()).toBeInstanceOf(StaleVersionError);
  });

  it('deletes at the version read, with an extra condition whose refusal then stands for both', () => {
    const plain = deleteVersioned(
      TABLE,
      { pk: 'IDP#i1', sk: 'IDP' },
      { kind: 'identity provider', id: 'i1', expected: 5 },
    );
    expect(plain.item.Delete?.ConditionExpression).toBe('version = :expected');
    expect(plain.onConditionFailed?.()).toBeInstanceOf(StaleVersionError);
    const guarded = deleteVersioned(
      TABLE,
      { pk: 'DEPT#d1', sk: 'DEPARTMENT' },
      { kind: 'department', id: 'd1', expected: 2 },
      {
        condition: 'memberCount = :zero',
        values: { ':zero': 0 },
        refusal: () => new ConflictError('not empty'),
      },
    );
    expect(guarded.item.Delete).toMatchObject({
      ConditionExpression: 'version = :expected AND (memberCount = :zero)',
      ExpressionAttributeValues: { ':zero': 0, ':expected': 2 },
    });
    expect(guarded.onConditionFailed?.()).toEqual(new ConflictError('not empty'));
  });

  it("comes out of a store's transaction as a 412 (a user changed since it was read)", async () => {
    table.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const users = new DynamoUserRepository(client, TABLE);
    const error = await users
      .update(ADA, { ...ADA, jobTitle: 'Analyst', version: 2 }, { ...AUDIT, action: 'user.updated' })
      .catch((caught) => caught);
    expect(toProblem(error)).toMatchObject({ status: 412 });
    expect(error).toEqual(new StaleVersionError('user', ADA.id, 1, undefined));
  });
});

describe('single conditional writes', () => {
  it("a bulk run that lost its hold gets a 409 saying so, not the SDK's error", async () => {
    table.on(UpdateCommand).rejects(conditionFailed());
    const enrollments = new DynamoEnrollmentRepository(client, TABLE);
    for (const write of [
      () => enrollments.extendBulk('c1', 'run-1', '2026-01-05T10:01:00.000Z'),
      () => enrollments.releaseBulk('c1', 'run-1', 3),
    ]) {
      const error = await write().catch((caught) => caught);
      expect(error).toBeInstanceOf(CourseBusyError);
      expect(toProblem(error)).toMatchObject({
        status: 409,
        detail:
          'This bulk enrollment ran past its hold on the course and another run took it over; retry to enroll the rest.',
      });
    }
  });

  it('a secret removal that races another (positions shifted) gets a 409, locally too', async () => {
    table.on(GetCommand).resolves({
      Item: { clientId: 'c1', name: 'HR', scopes: [], secrets: [{ id: 's1' }, { id: 's2' }] },
    });
    table.on(UpdateCommand).rejects(conditionFailed());
    const clients = new LocalMachineClients(
      client,
      'lms-local-oauth-clients',
      'http://127.0.0.1:1/oauth2/token',
    );
    const error = await clients.removeSecret('c1', 's2').catch((caught) => caught);
    expect(toProblem(error)).toMatchObject({
      status: 409,
      detail: 'The secrets of client c1 changed meanwhile; try again.',
    });
  });

  it('lets other failures through', async () => {
    const throttled = new Error('Rate exceeded');
    throttled.name = 'ThrottlingException';
    table.on(UpdateCommand).rejects(throttled);
    const enrollments = new DynamoEnrollmentRepository(client, TABLE);
    await expect(enrollments.extendBulk('c1', 'run-1', '2026-01-05T10:01:00.000Z')).rejects.toBe(throttled);
  });
});

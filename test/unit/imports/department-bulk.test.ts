/**
 * The bulk writes of the departments an import creates (store/department-bulk.ts), on a mocked DynamoDB
 * client: what each transaction holds (the department, its name claim, its parent's count, the audit
 * record), one department a transaction, a sub-department's after its parent's (and removed before it), and
 * a refused condition answered with its reason while the others go on.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/domain/audit.ts';
import type { Department } from '../../../shared/domain/department.ts';
import { DynamoDepartmentBulk } from '../../../shared/store/department-bulk.ts';
import type { DepartmentCreation } from '../../../shared/use-cases/imports/ports.ts';

const table = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const TABLE = 'lms-test';
const AT = '2026-12-01T09:00:00.000Z';
const ROOT = 'd0000000-0000-4000-8000-000000000001';
const SCIENCE = 'd0000000-0000-4000-8000-000000000002';
const PHYSICS = 'd0000000-0000-4000-8000-000000000003';

function department(id: string, name: string, ancestorIds: string[]): Department {
  return {
    id,
    name,
    parentId: ancestorIds.at(-1) ?? null,
    managerId: null,
    ancestorIds,
    memberCount: 0,
    childCount: 0,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  };
}

const science = department(SCIENCE, 'Science', [ROOT]);
const physics = department(PHYSICS, 'Physics', [ROOT, SCIENCE]);

const creation = (seq: number, after: Department): DepartmentCreation => ({
  op: 'department',
  seq,
  line: seq + 2,
  before: null,
  after,
});

const audit = (id: string, target: string): AuditRecord => ({
  id,
  at: AT,
  action: 'department.created',
  target,
  actor: { sub: 'import:1', userId: null, email: null, roles: ['admin'] },
  requestId: 'r',
  before: null,
  after: null,
});

/** The transactions sent, each as its items' kind and key. */
function sent(): string[][] {
  return table.commandCalls(TransactWriteCommand).map((call) =>
    (call.args[0].input.TransactItems ?? []).map((item) => {
      if (item.Put) return `put ${String(item.Put.Item?.pk)} if ${item.Put.ConditionExpression ?? '-'}`;
      if (item.Update)
        return `update ${String(item.Update.Key?.pk)} ${item.Update.UpdateExpression} ${JSON.stringify(item.Update.ExpressionAttributeValues)} if ${item.Update.ConditionExpression}`;
      if (item.Delete) return `delete ${String(item.Delete.Key?.pk)} if ${item.Delete.ConditionExpression}`;
      return 'other';
    }),
  );
}

beforeEach(() => {
  table.reset();
});

describe('DynamoDepartmentBulk', () => {
  it('creates each department in a transaction of its own, after its parent, with its claim, count and audit', async () => {
    // Prepare
    table.on(TransactWriteCommand).resolves({});
    const bulk = new DynamoDepartmentBulk(client, TABLE);

    // Act
    const refused = await bulk.create(
      [creation(0, science), creation(1, physics)],
      [audit('a0', `department:${SCIENCE}`), audit('a1', `department:${PHYSICS}`)],
    );

    // Assess
    expect(refused).toEqual(new Map());
    expect(sent()).toEqual([
      [
        `put DEPT#${SCIENCE} if attribute_not_exists(pk)`,
        `put UNIQUE#departmentName#${ROOT}#science if attribute_not_exists(pk)`,
        `put AUDIT#department:${SCIENCE} if attribute_not_exists(pk)`,
        `update DEPT#${ROOT} ADD childCount :delta {":delta":1} if attribute_exists(pk)`,
      ],
      [
        `put DEPT#${PHYSICS} if attribute_not_exists(pk)`,
        `put UNIQUE#departmentName#${SCIENCE}#physics if attribute_not_exists(pk)`,
        `put AUDIT#department:${PHYSICS} if attribute_not_exists(pk)`,
        `update DEPT#${SCIENCE} ADD childCount :delta {":delta":1} if attribute_exists(pk)`,
      ],
    ]);
  });

  it('answers a department refused for its name, and its sub-department refused for the missing parent', async () => {
    // Prepare: the name claim of Science fails; then Physics' parent count (Science is not there)
    const cancelled = (...codes: string[]) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    table
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));
    const bulk = new DynamoDepartmentBulk(client, TABLE);

    // Act
    const refused = await bulk.create(
      [creation(0, science), creation(1, physics)],
      [audit('a0', `department:${SCIENCE}`), audit('a1', `department:${PHYSICS}`)],
    );

    // Assess
    expect(refused).toEqual(
      new Map([
        [0, 'The department name Science is already in use among its sibling departments.'],
        [1, 'its parent department is not there (not created, or removed since)'],
      ]),
    );
  });

  it('removes a sub-department before its parent: at its version, empty, its claim released, its parent counted down', async () => {
    // Prepare
    table.on(TransactWriteCommand).resolves({});
    const bulk = new DynamoDepartmentBulk(client, TABLE);

    // Act
    const refused = await bulk.remove(
      [
        { seq: 1, department: physics },
        { seq: 0, department: science },
      ],
      [audit('u1', `department:${PHYSICS}`), audit('u0', `department:${SCIENCE}`)],
    );

    // Assess
    expect(refused).toEqual(new Map());
    const condition = 'version = :expected AND (memberCount = :zero AND childCount = :zero)';
    expect(sent()).toEqual([
      [
        `delete DEPT#${PHYSICS} if ${condition}`,
        `delete UNIQUE#departmentName#${SCIENCE}#physics if ownerId = :owner`,
        `put AUDIT#department:${PHYSICS} if attribute_not_exists(pk)`,
        `update DEPT#${SCIENCE} ADD childCount :delta {":delta":-1} if attribute_exists(pk)`,
      ],
      [
        `delete DEPT#${SCIENCE} if ${condition}`,
        `delete UNIQUE#departmentName#${ROOT}#science if ownerId = :owner`,
        `put AUDIT#department:${SCIENCE} if attribute_not_exists(pk)`,
        `update DEPT#${ROOT} ADD childCount :delta {":delta":-1} if attribute_exists(pk)`,
      ],
    ]);
  });
});

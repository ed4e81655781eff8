/**
 * Enrolling a 10,000-member cohort into a course (`linkCohortToCourse`: members read, people checked, the
 * course held, new enrollments written with BatchWriteItem, one audit record per 98, seats counted) against
 * a raw BatchWriteItem loop writing the same 10,000 enrollment items to another course, in the same run.
 * Reported: the median over rounds of items/s(use case) / items/s(raw), the order rotating each round. Each
 * round also times a raw loop of TransactWriteItems of the same items, 98 conditional puts each: what
 * enrolling without the hold could reach at best (DynamoDB Local runs transactions one at a time).
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import type { Cohort } from '../../shared/domain/cohort.ts';
import type { EnrollmentSource } from '../../shared/domain/enrollment.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import type { User } from '../../shared/domain/user.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { enrollmentItem } from '../../shared/store/enrollment-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import { linkCohortToCourse } from '../../shared/use-cases/cohort-enrollment.ts';
import { newEnrollment } from '../../shared/use-cases/enrollment.ts';
import { type Figure, median } from './figures.ts';

const MEMBERS = 10_000;
const ROUNDS = 3;
const BATCH_WRITE_LIMIT = 25;

export async function benchCohortEnroll(): Promise<Figure[]> {
  const ports = cohortPorts();
  const admin = systemActor('bench', 'bench', ['admin']);
  const cohort = await cohortOf(ports, await people(MEMBERS));

  const ratios: number[] = [];
  const transactionCeilings: number[] = [];
  const ours: number[] = [];
  const raws: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const viaUseCase = async () => {
      const course = await createCourse(ports, admin, { title: `Bench course ${randomUUID()}` });
      const started = performance.now();
      const result = await linkCohortToCourse(ports, admin, cohort.id, {
        courseId: course.id,
        onLeave: 'keep',
      });
      const seconds = (performance.now() - started) / 1000;
      if (result.enrolled !== MEMBERS) throw new Error(`enrolled ${result.enrolled} of ${MEMBERS}`);
      return MEMBERS / seconds;
    };
    const raw = async (write: (items: readonly Record<string, unknown>[]) => Promise<void>) => {
      const items = await sameItems(ports, cohort.id);
      const started = performance.now();
      await write(items);
      return MEMBERS / ((performance.now() - started) / 1000);
    };
    const steps = [viaUseCase, () => raw(batchWriteAll), () => raw(transactAll)];
    // Rotate the order so no step always runs on a warmer (or busier) engine.
    const perSecond: number[] = [];
    for (let offset = 0; offset < steps.length; offset++) {
      const index = (round + offset) % steps.length;
      const step = steps[index];
      if (step) perSecond[index] = await step();
    }
    const [oursPerSecond = 0, rawPerSecond = 1, transactedPerSecond = 0] = perSecond;
    ours.push(oursPerSecond);
    raws.push(rawPerSecond);
    ratios.push(oursPerSecond / rawPerSecond);
    transactionCeilings.push(transactedPerSecond / rawPerSecond);
  }
  return [
    {
      id: 'cohort-enroll.items-per-s.ratio',
      value: median(ratios),
      unit: 'x',
      op: '>=',
      target: 0.7,
      note: `Linking a ${MEMBERS.toLocaleString('en')}-member cohort to a course without a capacity (members and people read, enrollments written under the course's hold, audit records, seats) vs a raw BatchWriteItem loop of the same enrollment items, median of ${ROUNDS} rounds (${Math.round(median(ours))} vs ${Math.round(median(raws))} items/s). For comparison, one conditional TransactWriteItems per 98 of the same items (as courses with a capacity are enrolled) reaches ${median(transactionCeilings).toFixed(2)} of the raw loop`,
    },
  ];
}

/** The people, written directly (their creation is not what is measured). */
async function people(count: number): Promise<User[]> {
  const now = new Date().toISOString();
  const users: User[] = Array.from({ length: count }, (_, index) => {
    const id = randomUUID();
    return {
      id,
      email: `bench.${index}.${id.slice(0, 8)}@example.com`,
      givenName: 'Bench',
      familyName: `Member ${index}`,
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
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  });
  await batchWriteAll(
    users.map((user) => ({
      ...keys.user(user.id),
      ...keys.usersByEmail(user.email),
      entity: 'user',
      ...user,
    })),
  );
  return users;
}

async function cohortOf(ports: ReturnType<typeof cohortPorts>, members: readonly User[]): Promise<Cohort> {
  const now = new Date().toISOString();
  const cohort: Cohort = {
    id: randomUUID(),
    name: `Bench cohort ${randomUUID()}`,
    description: '',
    kind: 'static',
    rule: null,
    externalId: null,
    memberCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const audit = (after: object) => ({
    id: randomUUID(),
    at: now,
    action: 'bench',
    target: `cohort:${cohort.id}`,
    actor: { sub: 'bench', userId: null, email: null, roles: [] },
    requestId: 'bench',
    before: null,
    after: after as Record<string, unknown>,
  });
  await ports.cohorts.create(cohort, audit({}));
  await ports.cohorts.addMembers(
    members.map((user) => ({
      cohortId: cohort.id,
      userId: user.id,
      via: 'static',
      addedAt: now,
      addedBy: 'bench',
    })),
    () => audit({}),
  );
  return cohort;
}

/** The enrollment items the use case writes, for a fresh course (built outside the timing). */
async function sameItems(ports: ReturnType<typeof cohortPorts>, cohortId: string) {
  const courseId = randomUUID();
  const memberIds = await ports.cohorts.allMemberIds(cohortId);
  const at = new Date().toISOString();
  const source: EnrollmentSource = { source: 'cohort', actor: 'bench', reference: `cohort:${cohortId}`, at };
  return memberIds.map((userId) =>
    enrollmentItem(newEnrollment(courseId, userId, source, at, null, 'bench', null)),
  );
}

/** TransactWriteItems of 98 conditional puts (attribute_not_exists), one after the other. */
async function transactAll(items: readonly Record<string, unknown>[]): Promise<void> {
  const TableName = requireSetting('tableName');
  for (let start = 0; start < items.length; start += 98) {
    await dynamoDb().send(
      new TransactWriteCommand({
        TransactItems: items
          .slice(start, start + 98)
          .map((Item) => ({ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      }),
    );
  }
}

/** BatchWriteItem, 25 items per call, one call after the other, unprocessed items sent again. */
async function batchWriteAll(items: readonly Record<string, unknown>[]): Promise<void> {
  const tableName = requireSetting('tableName');
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items
      .slice(start, start + BATCH_WRITE_LIMIT)
      .map((Item) => ({ PutRequest: { Item } }));
    while (requests && requests.length > 0) {
      const result = await dynamoDb().send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = result.UnprocessedItems?.[tableName] as typeof requests;
    }
  }
}

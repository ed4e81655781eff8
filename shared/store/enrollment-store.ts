/**
 * Enrollments, seats and the waitlist in the course's partition. A seat is taken in the same transaction
 * that creates the enrollment, conditioned on the count being under the capacity, so concurrent requests
 * can never overfill a course; waitlist positions come from an atomic counter, so the queue has one order.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Enrollment, type EnrollmentSource, WaitlistEntry } from '../domain/enrollment.ts';
import {
  AlreadyEnrolledError,
  AlreadyWaitlistedError,
  ConflictError,
  CourseFullError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { EnrollmentRepository, Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition, queryAll } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';

/** Statuses that hold a seat (a completion keeps its place in the session; leaving or lapsing frees it). */
const holdsSeat = (status: Enrollment['status']) => status !== 'withdrawn' && status !== 'expired';

/** Partitions of the compliance queue (gsi2): the sweep reads each. */
export const COMPLIANCE_SHARDS = 4;

export class DynamoEnrollmentRepository implements EnrollmentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(courseId: string, userId: string): Promise<Enrollment | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.enrollment(courseId, userId) }),
    );
    return Item ? Enrollment.parse(withoutStorageAttributes(Item)) : undefined;
  }

  listForCourse(courseId: string, page: PageRequest): Promise<Page<Enrollment>> {
    const { pk } = keys.course(courseId);
    return pageOfPartition(
      this.client,
      this.tableName,
      { partition: pk, sortKeyPrefix: 'ENROLLMENT#', schema: Enrollment },
      page,
    );
  }

  async listForUser(userId: string): Promise<Enrollment[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.enrollmentsOfUser(userId, '').gsi1pk },
    });
    return items.map((item) => Enrollment.parse(withoutStorageAttributes(item)));
  }

  waitlist(courseId: string, page: PageRequest): Promise<Page<WaitlistEntry>> {
    const partition = keys.waitlistOrder(courseId, 0).gsi2pk;
    return pageOfPartition(
      this.client,
      this.tableName,
      { index: 'gsi2', partition, schema: WaitlistEntry },
      page,
    );
  }

  async enroll(enrollment: Enrollment, capacity: number | null, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      this.create(enrollment),
      this.takeSeat(enrollment.courseId, capacity),
      auditWrite(this.tableName, audit),
    ]);
  }

  async addSource(before: Enrollment, source: EnrollmentSource, audit: AuditRecord): Promise<Enrollment> {
    const after: Enrollment = {
      ...before,
      sources: [...before.sources, source],
      version: before.version + 1,
    };
    await transactWrite(this.client, [this.replace(before, after), auditWrite(this.tableName, audit)]);
    return after;
  }

  async nextWaitlistPosition(courseId: string): Promise<number> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.seats(courseId),
        UpdateExpression: 'ADD lastWaitlistPosition :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.lastWaitlistPosition);
  }

  async addToWaitlist(entry: WaitlistEntry, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.waitlistEntry(entry.courseId, entry.userId),
              ...keys.waitlistOrder(entry.courseId, entry.position),
              entity: 'waitlist-entry',
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () => new AlreadyWaitlistedError('Already on the waitlist of this course.'),
      },
      {
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.enrollment(entry.courseId, entry.userId),
            // No enrollment, or one that no longer holds a seat (they are coming back).
            ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:withdrawn, :expired)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':withdrawn': 'withdrawn', ':expired': 'expired' },
          },
        },
        onConditionFailed: () => new AlreadyEnrolledError('Already enrolled in this course.'),
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  async promote(
    entry: WaitlistEntry,
    enrollment: Enrollment,
    capacity: number | null,
    audit: AuditRecord,
    previous?: Enrollment,
  ): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.waitlistEntry(entry.courseId, entry.userId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        onConditionFailed: () => new ConflictError('That waitlist place was taken meanwhile.'),
      },
      previous ? this.replace(previous, enrollment) : this.create(enrollment),
      this.takeSeat(enrollment.courseId, capacity),
      auditWrite(this.tableName, audit),
    ]);
  }

  async reactivate(
    before: Enrollment,
    after: Enrollment,
    capacity: number | null,
    audit: AuditRecord,
  ): Promise<void> {
    await transactWrite(this.client, [
      this.replace(before, after),
      this.takeSeat(after.courseId, capacity),
      auditWrite(this.tableName, audit),
    ]);
  }

  /** Any change of one enrollment; leaving a seat-holding status frees the seat, coming back takes one. */
  async save(before: Enrollment, after: Enrollment, audit: AuditRecord): Promise<void> {
    const writes: GuardedWrite[] = [this.replace(before, after), auditWrite(this.tableName, audit)];
    const seatDelta = Number(holdsSeat(after.status)) - Number(holdsSeat(before.status));
    if (seatDelta !== 0) {
      writes.push({
        item: {
          Update: {
            TableName: this.tableName,
            Key: keys.seats(before.courseId),
            UpdateExpression: 'ADD taken :delta',
            ...(seatDelta < 0
              ? {
                  ConditionExpression: 'taken > :zero',
                  ExpressionAttributeValues: { ':delta': -1, ':zero': 0 },
                }
              : { ExpressionAttributeValues: { ':delta': 1 } }),
          },
        },
      });
    }
    await transactWrite(this.client, writes);
  }

  /**
   * New enrollments of many people in one transaction, their seats taken together: with a capacity, only if
   * all of them fit (`taken <= capacity - n`), else CourseFullError and nothing is written.
   */
  async enrollBatch(
    enrollments: readonly Enrollment[],
    capacity: number | null,
    audit: AuditRecord,
  ): Promise<void> {
    const courseId = enrollments[0]?.courseId;
    if (!courseId) return;
    const n = enrollments.length;
    await transactWrite(this.client, [
      ...enrollments.map((enrollment) => this.create(enrollment)),
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: keys.seats(courseId),
            UpdateExpression: 'ADD taken :n',
            ...(capacity === null
              ? { ExpressionAttributeValues: { ':n': n } }
              : {
                  ConditionExpression: 'attribute_not_exists(taken) OR taken <= :room',
                  ExpressionAttributeValues: { ':n': n, ':room': capacity - n },
                }),
          },
        },
        onConditionFailed: () => new CourseFullError(`Fewer than ${n} of the ${capacity} seats are free.`),
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  async allForCourse(courseId: string): Promise<Enrollment[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.course(courseId).pk, ':prefix': 'ENROLLMENT#' },
    });
    return items.map((item) => Enrollment.parse(withoutStorageAttributes(item)));
  }

  async dueForCompliance(until: string): Promise<Enrollment[]> {
    const due: Enrollment[] = [];
    for (let shard = 0; shard < COMPLIANCE_SHARDS; shard++) {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :until',
        // '$' sorts after '#': every key whose time is `until` or earlier.
        ExpressionAttributeValues: {
          ':pk': keys.complianceQueue(shard, '', '', '').gsi2pk,
          ':until': `${until}$`,
        },
      });
      due.push(...items.map((item) => Enrollment.parse(withoutStorageAttributes(item))));
    }
    return due;
  }

  async getWaitlistEntry(courseId: string, userId: string): Promise<WaitlistEntry | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.waitlistEntry(courseId, userId) }),
    );
    return Item ? WaitlistEntry.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async seatsTaken(courseId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.seats(courseId) }),
    );
    return Number(Item?.taken ?? 0);
  }

  private create(enrollment: Enrollment): GuardedWrite {
    return {
      item: {
        Put: {
          TableName: this.tableName,
          Item: enrollmentItem(enrollment),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () => new AlreadyEnrolledError('Already enrolled in this course.'),
    };
  }

  private replace(before: Enrollment, after: Enrollment): GuardedWrite {
    return {
      item: {
        Put: {
          TableName: this.tableName,
          Item: enrollmentItem(after),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': before.version },
        },
      },
      onConditionFailed: () =>
        new StaleVersionError('enrollment', `${before.courseId}/${before.userId}`, before.version, undefined),
    };
  }

  /** One more seat taken, refused when the course is at capacity (the seats item is created on first use). */
  private takeSeat(courseId: string, capacity: number | null): GuardedWrite {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: keys.seats(courseId),
          UpdateExpression: 'ADD taken :one',
          ...(capacity === null
            ? { ExpressionAttributeValues: { ':one': 1 } }
            : {
                ConditionExpression: 'attribute_not_exists(taken) OR taken < :capacity',
                ExpressionAttributeValues: { ':one': 1, ':capacity': capacity },
              }),
        },
      },
      onConditionFailed: () => new CourseFullError(`All ${capacity} seats are taken.`),
    };
  }
}

/** The stored item of an enrollment: its keys, its compliance-queue keys when it has a deadline, itself. */
export function enrollmentItem(enrollment: Enrollment): Record<string, unknown> {
  const next = nextComplianceCheck(enrollment);
  return {
    ...keys.enrollment(enrollment.courseId, enrollment.userId),
    ...keys.enrollmentsOfUser(enrollment.userId, enrollment.courseId),
    ...(next
      ? keys.complianceQueue(complianceShard(enrollment.userId), next, enrollment.courseId, enrollment.userId)
      : {}),
    entity: 'enrollment',
    ...enrollment,
  };
}

/** The next time the compliance sweep has something to do with this enrollment, if ever. */
export function nextComplianceCheck(enrollment: Enrollment): string | undefined {
  if (enrollment.status === 'completed') return enrollment.recertifyAt ?? undefined;
  if (enrollment.status === 'withdrawn' || enrollment.status === 'expired') return undefined;
  const times = [enrollment.overdueAt ? null : enrollment.dueAt, enrollment.expiresAt].filter(
    (time): time is string => time !== null,
  );
  return times.sort()[0];
}

function complianceShard(userId: string): number {
  let sum = 0;
  for (const char of userId) sum += char.charCodeAt(0);
  return sum % COMPLIANCE_SHARDS;
}

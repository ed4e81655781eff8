/**
 * Enrollments, seats and the waitlist in the course's partition. A seat is taken in the same transaction
 * that creates the enrollment, conditioned on the count being under the capacity, so concurrent requests
 * can never overfill a course; waitlist positions come from an atomic counter, so the queue has one order.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Enrollment, type EnrollmentSource, holdsSeat, WaitlistEntry } from '../domain/enrollment.ts';
import {
  AlreadyEnrolledError,
  AlreadyWaitlistedError,
  ConflictError,
  CourseBusyError,
  CourseFullError,
} from '../domain/errors.ts';
import type { EnrollmentRepository, Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition, queryAll } from './query-pages.ts';
import { conditionalUpdate, type GuardedWrite, transactWrite } from './transact.ts';
import { putVersioned } from './versioned.ts';

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
    const writes = [
      this.create(enrollment),
      this.seatsWrite(enrollment.courseId, 1, capacity),
      auditWrite(this.tableName, audit),
    ];
    await this.withSeats(enrollment.courseId, capacity, () => transactWrite(this.client, writes));
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
    const writes: GuardedWrite[] = [
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
      this.seatsWrite(enrollment.courseId, 1, capacity),
      auditWrite(this.tableName, audit),
    ];
    await this.withSeats(entry.courseId, capacity, () => transactWrite(this.client, writes));
  }

  async reactivate(
    before: Enrollment,
    after: Enrollment,
    capacity: number | null,
    audit: AuditRecord,
  ): Promise<void> {
    const writes = [
      this.replace(before, after),
      this.seatsWrite(after.courseId, 1, capacity),
      auditWrite(this.tableName, audit),
    ];
    await this.withSeats(after.courseId, capacity, () => transactWrite(this.client, writes));
  }

  /** Any change of one enrollment; leaving a seat-holding status frees the seat, coming back takes one. */
  async save(before: Enrollment, after: Enrollment, audit: AuditRecord): Promise<void> {
    const writes: GuardedWrite[] = [this.replace(before, after), auditWrite(this.tableName, audit)];
    const seatDelta = Number(holdsSeat(after.status)) - Number(holdsSeat(before.status));
    if (seatDelta !== 0) writes.push(this.seatsWrite(before.courseId, seatDelta, null));
    await this.withSeats(before.courseId, null, () => transactWrite(this.client, writes));
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
    const writes = [
      ...enrollments.map((enrollment) => this.create(enrollment)),
      this.seatsWrite(courseId, enrollments.length, capacity),
      auditWrite(this.tableName, audit),
    ];
    await this.withSeats(courseId, capacity, () => transactWrite(this.client, writes));
  }

  async allForCourse(courseId: string): Promise<Enrollment[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      ConsistentRead: true,
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
    return putVersioned(this.tableName, enrollmentItem(after), {
      kind: 'enrollment',
      id: `${before.courseId}/${before.userId}`,
      expected: before.version,
    });
  }

  private seatsWrite(courseId: string, delta: number, capacity: number | null): GuardedWrite {
    return seatsMove(this.tableName, courseId, delta, capacity, () => new SeatsRefused());
  }

  /** Runs a transaction with a seats write and says why the seats refused: a bulk run, or a full course. */
  private async withSeats(
    courseId: string,
    capacity: number | null,
    write: () => Promise<void>,
  ): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof SeatsRefused)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keys.seats(courseId), ConsistentRead: true }),
      );
      if (typeof Item?.bulkRun === 'string') {
        throw new CourseBusyError(
          'A bulk enrollment into this course is running; try again in a moment.',
          String(Item.bulkUntil ?? '') < new Date().toISOString(),
        );
      }
      if (capacity === null) throw new ConflictError("The course's seat count changed meanwhile; try again.");
      throw new CourseFullError(`All ${capacity} seats are taken.`);
    }
  }

  /**
   * Holds the course's seats for a bulk run until `until`: no other enrollment can be created (every creation
   * moves the seats). Takes over a run that stopped without finishing (its `bulkUntil` passed), and says so.
   */
  async claimForBulk(
    courseId: string,
    run: string,
    until: string,
    now: string,
  ): Promise<{ takenOver?: string }> {
    const { Attributes } = await conditionalUpdate(
      this.client,
      {
        TableName: this.tableName,
        Key: keys.seats(courseId),
        UpdateExpression: 'SET bulkRun = :run, bulkUntil = :until',
        ConditionExpression: 'attribute_not_exists(bulkRun) OR bulkUntil < :now',
        ExpressionAttributeValues: { ':run': run, ':until': until, ':now': now },
        ReturnValues: 'ALL_OLD',
      },
      () =>
        new CourseBusyError(
          'Another bulk enrollment into this course is running; try again in a moment.',
          false,
        ),
    );
    return typeof Attributes?.bulkRun === 'string' ? { takenOver: Attributes.bulkRun } : {};
  }

  /** Moves the hold's end; fails when the run lost its hold (it ran past `bulkUntil` and was taken over). */
  async extendBulk(courseId: string, run: string, until: string): Promise<void> {
    await this.whileHeldBy(run, courseId, 'SET bulkUntil = :until', { ':until': until });
  }

  /** Ends the hold, counting the seats the run took. */
  async releaseBulk(courseId: string, run: string, seatsTaken: number): Promise<void> {
    await this.whileHeldBy(run, courseId, 'ADD taken :taken REMOVE bulkRun, bulkUntil', {
      ':taken': seatsTaken,
    });
  }

  /** Updates the course's seats item only while `run` holds it; else the run lost its hold (a 409). */
  private async whileHeldBy(
    run: string,
    courseId: string,
    UpdateExpression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await conditionalUpdate(
      this.client,
      {
        TableName: this.tableName,
        Key: keys.seats(courseId),
        UpdateExpression,
        ConditionExpression: 'bulkRun = :run',
        ExpressionAttributeValues: { ':run': run, ...values },
      },
      lostHold,
    );
  }

  /**
   * New enrollments written with BatchWriteItem: only under the run's hold, and only for people who had no
   * enrollment when the hold was taken, so no write can replace another. Each item carries the run, so a run
   * that stops half way can be settled ({@link bulkLeftovers}).
   */
  async writeBulk(enrollments: readonly Enrollment[], run: string): Promise<void> {
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < enrollments.length; start += BATCH_WRITE_ITEMS)
      chunks.push(
        enrollments
          .slice(start, start + BATCH_WRITE_ITEMS)
          .map((e) => ({ ...enrollmentItem(e), bulkRun: run })),
      );
    await Promise.all(
      Array.from({ length: Math.min(BATCH_WRITES_IN_FLIGHT, chunks.length) }, async () => {
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
          while (requests.length > 0) {
            const result = await this.client.send(
              new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
            );
            requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
          }
        }
      }),
    );
  }

  /** What a run wrote (its enrollments) and which of them its audit records already cover. */
  async bulkLeftovers(
    courseId: string,
    run: string,
  ): Promise<{ written: Enrollment[]; audited: Set<string> }> {
    const [items, audits] = await Promise.all([
      queryAll(this.client, {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'bulkRun = :run',
        ExpressionAttributeValues: { ':pk': keys.course(courseId).pk, ':prefix': 'ENROLLMENT#', ':run': run },
      }),
      queryAll(this.client, {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#after.#run = :run',
        ExpressionAttributeNames: { '#after': 'after', '#run': 'run' },
        ExpressionAttributeValues: { ':pk': keys.auditTrail(`course:${courseId}`), ':run': run },
      }),
    ]);
    const audited = new Set<string>();
    for (const audit of audits) {
      for (const item of (audit.after as { items?: { after?: { userId?: string } }[] }).items ?? [])
        if (item.after?.userId) audited.add(item.after.userId);
    }
    return { written: items.map((item) => Enrollment.parse(withoutStorageAttributes(item))), audited };
  }

  /** Sets the seats taken to the count of seat-holding enrollments; only under the run's hold. */
  async recountSeats(courseId: string, run: string): Promise<number> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'NOT #status IN (:withdrawn, :expired)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': keys.course(courseId).pk,
        ':prefix': 'ENROLLMENT#',
        ':withdrawn': 'withdrawn',
        ':expired': 'expired',
      },
      ProjectionExpression: 'sk',
    });
    await this.whileHeldBy(run, courseId, 'SET taken = :taken', { ':taken': items.length });
    return items.length;
  }
}

/** BatchWriteItem takes 25 items; four calls in flight keep DynamoDB busy without throttling a small table. */
const BATCH_WRITE_ITEMS = 25;
const BATCH_WRITES_IN_FLIGHT = 4;

/** A bulk run that ran past its hold found it taken over: the run that took it settles what this one wrote. */
function lostHold(): CourseBusyError {
  return new CourseBusyError(
    'This bulk enrollment ran past its hold on the course and another run took it over; retry to enroll the rest.',
    false,
  );
}

/**
 * The seats item of a course moved by `delta`, refused while a bulk enrollment holds the course and, when
 * taking seats under a capacity, when they do not all fit (`taken <= capacity - delta`). The item is created
 * on first use.
 */
export function seatsMove(
  tableName: string,
  courseId: string,
  delta: number,
  capacity: number | null,
  refusal: () => Error,
): GuardedWrite {
  const conditions = ['attribute_not_exists(bulkRun)'];
  const values: Record<string, unknown> = { ':delta': delta };
  if (delta > 0 && capacity !== null) {
    const room = capacity - delta;
    // No seats item yet means none taken: enough room unless more are asked for than the capacity.
    conditions.push(room >= 0 ? '(attribute_not_exists(taken) OR taken <= :room)' : 'taken <= :room');
    values[':room'] = room;
  }
  if (delta < 0) {
    conditions.push('taken >= :freed');
    values[':freed'] = -delta;
  }
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: keys.seats(courseId),
        UpdateExpression: 'ADD taken :delta',
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeValues: values,
      },
    },
    onConditionFailed: refusal,
  };
}

/** The seats write's condition failed; {@link DynamoEnrollmentRepository.withSeats} says why. */
class SeatsRefused extends Error {}

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

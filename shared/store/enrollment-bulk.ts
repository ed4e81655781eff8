/**
 * The bulk writes of enrollments an import makes: each enrollment conditional (the version the plan read,
 * or none yet for a new one), with the seats it takes or frees and its audit records, many enrollments in
 * one transaction (bulk-transact.ts). A seat taken under a capacity is a transaction of its own, so a full
 * course refuses that enrollment alone.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Enrollment, holdsSeat } from '../domain/enrollment.ts';
import { ConflictError } from '../domain/errors.ts';
import { type EnrollmentBulk, type EnrollmentChange, enrollmentKey } from '../use-cases/imports/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type BulkChange, consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { enrollmentItem, seatsMove } from './enrollment-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import type { GuardedWrite } from './transact.ts';
import { userExists } from './user-store.ts';
import { deleteVersioned, putVersioned } from './versioned.ts';

export class DynamoEnrollmentBulk implements EnrollmentBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(
    enrollments: readonly { courseId: string; userId: string }[],
  ): Promise<Map<string, Enrollment>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      enrollments.map((e) => keys.enrollment(e.courseId, e.userId)),
    );
    return new Map(
      items.map((item) => {
        const enrollment = Enrollment.parse(withoutStorageAttributes(item));
        return [enrollmentKey(enrollment), enrollment];
      }),
    );
  }

  write(
    changes: readonly EnrollmentChange[],
    audits: readonly (readonly AuditRecord[])[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => {
        const { before, after } = change;
        const write: GuardedWrite = before
          ? putVersioned(this.tableName, enrollmentItem(after), {
              kind: 'enrollment',
              id: enrollmentKey(after),
              expected: before.version,
            })
          : {
              item: {
                Put: {
                  TableName: this.tableName,
                  Item: enrollmentItem(after),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              onConditionFailed: () => new ConflictError('Enrolled meanwhile: the enrollment exists now.'),
            };
        return {
          ...this.change(change.seq, before, after, change.capacity, write, audits[index] ?? []),
          // A new enrollment needs its person: one the same import creates is written first, and if that
          // person was refused, so is the enrollment.
          requires: before ? null : after.userId,
        };
      }),
    );
  }

  restore(
    changes: readonly {
      seq: number;
      before: Enrollment;
      after: Enrollment | null;
      capacity: number | null;
    }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return this.transact(
      changes.map((change, index) => {
        const { before, after } = change;
        const entity = { kind: 'enrollment', id: enrollmentKey(before), expected: before.version };
        const write = after
          ? putVersioned(this.tableName, enrollmentItem(after), entity)
          : deleteVersioned(this.tableName, keys.enrollment(before.courseId, before.userId), entity);
        const audit = audits[index];
        return this.change(change.seq, before, after, change.capacity, write, audit ? [audit] : []);
      }),
    );
  }

  /**
   * One enrollment's writes: itself, its audit records, and the seats it moves: a seat taken under a
   * capacity in its own transaction, other moves summed per course within a transaction.
   */
  private change(
    seq: number,
    before: Enrollment | null,
    after: Enrollment | null,
    capacity: number | null,
    write: GuardedWrite,
    audits: readonly AuditRecord[],
  ): BulkChange {
    const courseId = (after ?? before)?.courseId ?? '';
    const seats =
      Number(after !== null && holdsSeat(after.status)) - Number(before !== null && holdsSeat(before.status));
    const writes = [write, ...audits.map((audit) => auditWrite(this.tableName, audit))];
    if (seats > 0 && capacity !== null)
      return {
        seq,
        writes: [
          ...writes,
          seatsMove(
            this.tableName,
            courseId,
            seats,
            capacity,
            () =>
              new ConflictError(
                `All ${capacity} seats of the course are taken, or a bulk enrollment holds it.`,
              ),
          ),
        ],
        counters: new Map(),
        alone: true,
      };
    return { seq, writes, counters: seats === 0 ? new Map() : new Map([[courseId, seats]]) };
  }

  private transact(changes: readonly BulkChange[]): Promise<Map<number, string>> {
    return transactInGroups(this.client, changes, {
      exists: (userId) => userExists(this.tableName, userId, 'to enroll (not created, or removed since)'),
      counter: (courseId, delta) =>
        seatsMove(
          this.tableName,
          courseId,
          delta,
          null,
          () =>
            new ConflictError(
              'A bulk enrollment holds the course, or its seat count is off: try again later.',
            ),
        ),
    });
  }
}

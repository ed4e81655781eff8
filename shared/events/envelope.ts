/**
 * Domain events: one envelope for every change, on one bus. Every change already writes an audit record in
 * its own transaction; that record is the outbox. The table's stream carries it to the publisher, which turns
 * it into events here: in AWS on EventBridge (`source` = {@link EVENT_SOURCE}, `detail-type` = the event type,
 * `detail` = the envelope), locally on the in-process bus, with the same shape.
 */
import * as z from 'zod';
import { AuditActor, AuditRecord, BATCH_SUFFIX } from '../domain/audit.ts';

export const EVENT_SOURCE = 'lms';

/** The event types subscribers may name; an audit action outside this list is still published. */
export const DOMAIN_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.suspended',
  'user.reactivated',
  'department.created',
  'department.updated',
  'department.deleted',
  'course.created',
  'course.updated',
  'course.published',
  'course.archived',
  'enrollment.created',
  'enrollment.source-added',
  'enrollment.source-removed',
  'enrollment.waitlisted',
  'enrollment.promoted',
  'enrollment.reactivated',
  'enrollment.updated',
  'enrollment.completed',
  /** The learner launched the content for the first time: in progress, on its content version. */
  'enrollment.started',
  /** The content reported a failed success status. */
  'enrollment.failed',
  /** The content changed the score or the time spent, not the status. */
  'enrollment.progressed',
  'enrollment.withdrawn',
  'enrollment.recertification-started',
  'enrollment.expired',
  'enrollment.overdue',
  'cohort.created',
  'cohort.updated',
  'cohort.member_added',
  'cohort.member_removed',
  'cohort.course-linked',
  'cohort.course-unlinked',
  'cohort.deleted',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export const DomainEvent = z
  .object({
    /** Unique per event: the audit record's id, suffixed with the item's index for batch records. */
    id: z.string(),
    type: z.string(),
    source: z.literal(EVENT_SOURCE),
    time: z.string(),
    /** What changed, `<kind>:<id>` as in the audit trail. */
    subject: z.string(),
    actor: AuditActor,
    /** The request (or job run) that made the change: follow it through logs and the audit trail. */
    correlationId: z.string(),
    data: z.object({
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
    }),
  })
  .meta({ id: 'DomainEvent' });
export type DomainEvent = z.infer<typeof DomainEvent>;

/** A batch's audit record ({@link BATCH_SUFFIX}) becomes one event per item: subscribers see one change at a time. */
export function eventsFromAudit(record: AuditRecord): DomainEvent[] {
  const base = {
    source: EVENT_SOURCE,
    time: record.at,
    actor: record.actor,
    correlationId: record.requestId,
  } as const;
  if (!record.action.endsWith(BATCH_SUFFIX)) {
    return [
      {
        ...base,
        id: record.id,
        type: record.action,
        subject: record.target,
        data: { before: record.before, after: record.after },
      },
    ];
  }
  const type = record.action.slice(0, -BATCH_SUFFIX.length);
  const items = z.array(BatchItem).parse(record.after?.items ?? []);
  return items.map((item, index) => ({
    ...base,
    id: `${record.id}.${index}`,
    type,
    subject: item.subject,
    data: { before: item.before, after: item.after },
  }));
}

export const BatchItem = z.object({
  subject: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type BatchItem = z.infer<typeof BatchItem>;

/** The audit record in a stream record's new image, or undefined for any other item. */
export function auditRecordOfItem(item: Record<string, unknown>): AuditRecord | undefined {
  if (typeof item.pk !== 'string' || !item.pk.startsWith('AUDIT#')) return undefined;
  const { pk: _pk, sk: _sk, ...record } = item;
  return AuditRecord.parse(record);
}

/** The shape EventBridge delivers to a rule's Lambda target (and the local bus hands to the same handler). */
export interface DomainEventDelivery {
  version: '0';
  id: string;
  'detail-type': string;
  source: typeof EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: DomainEvent;
}

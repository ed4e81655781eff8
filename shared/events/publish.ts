/**
 * From the table's stream to the bus. Only INSERTs of audit records carry events (audit records are never
 * updated), and not those a restore put back; every other item on the stream is ignored. The same conversion runs in the AWS publisher Lambda
 * and in the local stack's stream poller, so both publish exactly the same events.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { auditRecordOfItem, type DomainEvent, EVENT_SOURCE, eventsFromAudit } from './envelope.ts';

/** The part of a stream record (Lambda's DynamoDBRecord, or GetRecords' Record) the conversion reads. */
export interface AuditStreamRecord {
  eventName?: string | undefined;
  dynamodb?: { NewImage?: Record<string, unknown> | undefined } | undefined;
}

export function eventsOfStreamRecord(record: AuditStreamRecord): DomainEvent[] {
  const image = record.dynamodb?.NewImage;
  // An audit record an in-place restore put back (`restoredBy`): its events went out when the change happened.
  if (record.eventName !== 'INSERT' || !image || image.restoredBy) return [];
  const audit = auditRecordOfItem(unmarshall(image as Record<string, AttributeValue>));
  return audit ? eventsFromAudit(audit) : [];
}

export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;
/** PutEvents refuses an entry above 256 KiB; leave room for the envelope's other fields. */
const MAX_DETAIL_BYTES = 240 * 1024;

export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const chunk = events.slice(start, start + ENTRIES_PER_CALL);
      const input: PutEventsCommandInput = {
        Entries: chunk.map((event) => ({
          EventBusName: this.busName,
          Source: EVENT_SOURCE,
          DetailType: event.type,
          Time: new Date(event.time),
          Detail: detailOf(event),
        })),
      };
      const result = await this.client.send(new PutEventsCommand(input));
      if (result.FailedEntryCount) {
        const failed = (result.Entries ?? [])
          .map((entry, index) => (entry.ErrorCode ? `${chunk[index]?.id}: ${entry.ErrorCode}` : ''))
          .filter(Boolean);
        throw new Error(`EventBridge refused ${result.FailedEntryCount} events (${failed.join(', ')})`);
      }
    }
  }
}

/** An oversize change is published without its before/after: subscribers read the subject's current state. */
function detailOf(event: DomainEvent): string {
  const detail = JSON.stringify(event);
  if (Buffer.byteLength(detail) <= MAX_DETAIL_BYTES) return detail;
  return JSON.stringify({ ...event, data: { before: null, after: null } });
}

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecord } from '../../../shared/domain/audit.ts';
import { eventsFromAudit } from '../../../shared/events/envelope.ts';
import { EventBridgeBus, eventsOfStreamRecord } from '../../../shared/events/publish.ts';
import { publishDomainEvents } from '../../../shared/jobs/manifest.ts';
import { keys } from '../../../shared/store/keys.ts';
import { recordMockedCalls } from '../../support/aws-calls.ts';

const actor = { sub: 'admin-sub', userId: 'u0', email: 'admin@example.com', roles: ['admin'] };

function record(action: string, after: object | null, before: object | null = null) {
  return auditRecord({
    id: 'a1',
    at: new Date('2026-11-28T10:00:00Z'),
    action,
    target: 'user:u1',
    actor,
    requestId: 'req-1',
    before,
    after,
  });
}

function streamRecord(item: Record<string, unknown>, eventName = 'INSERT') {
  return { eventName, dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } };
}

describe('domain events', () => {
  it('makes one event of an audit record, in the one envelope', () => {
    const [event] = eventsFromAudit(
      record('user.updated', { id: 'u1', departmentId: 'd2' }, { id: 'u1', departmentId: 'd1' }),
    );
    expect(event).toEqual({
      id: 'a1',
      type: 'user.updated',
      source: 'lms',
      time: '2026-11-28T10:00:00.000Z',
      subject: 'user:u1',
      actor,
      correlationId: 'req-1',
      data: { before: { id: 'u1', departmentId: 'd1' }, after: { id: 'u1', departmentId: 'd2' } },
    });
  });

  it('makes one event per item of a batch record, each with its own id and subject', () => {
    const batch = record('cohort.member_added.batch', {
      items: [
        { subject: 'cohort:c1:u1', before: null, after: { cohortId: 'c1', userId: 'u1' } },
        { subject: 'cohort:c1:u2', before: null, after: { cohortId: 'c1', userId: 'u2' } },
      ],
    });
    const events = eventsFromAudit(batch);
    expect(events.map((event) => [event.id, event.type, event.subject])).toEqual([
      ['a1.0', 'cohort.member_added', 'cohort:c1:u1'],
      ['a1.1', 'cohort.member_added', 'cohort:c1:u2'],
    ]);
  });

  it('reads only inserted audit items from the stream', () => {
    const audit = record('user.created', { id: 'u1' });
    const item = { ...keys.audit(audit.target, audit.at, audit.id), entity: 'audit', ...audit };
    expect(eventsOfStreamRecord(streamRecord(item))).toHaveLength(1);
    expect(eventsOfStreamRecord(streamRecord(item, 'MODIFY'))).toHaveLength(0);
    expect(eventsOfStreamRecord(streamRecord({ ...keys.user('u1'), entity: 'user', id: 'u1' }))).toHaveLength(
      0,
    );
  });

  describe('on EventBridge', () => {
    const eventBridge = mockClient(EventBridgeClient);
    beforeEach(() => eventBridge.reset());
    // The outbox publisher puts the events on the bus this way.
    afterEach(() => recordMockedCalls(publishDomainEvents.handler, eventBridge));

    it('puts events ten at a time on the bus, source lms, detail-type the event type', async () => {
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
      const events = Array.from({ length: 23 }, (_, index) =>
        eventsFromAudit(record('user.created', { id: `u${index}` })).map((event) => ({
          ...event,
          id: `e${index}`,
        })),
      ).flat();
      await new EventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'lms-domain-events').publish(
        events,
      );
      const calls = eventBridge.commandCalls(PutEventsCommand);
      expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
      const first = calls[0]?.args[0].input.Entries?.[0];
      expect(first).toMatchObject({
        EventBusName: 'lms-domain-events',
        Source: 'lms',
        DetailType: 'user.created',
      });
      expect(JSON.parse(first?.Detail ?? '{}')).toMatchObject({
        id: 'e0',
        subject: 'user:u1',
        correlationId: 'req-1',
      });
    });

    it('fails (so the stream batch is retried) when EventBridge refuses an entry, naming it', async () => {
      eventBridge
        .on(PutEventsCommand)
        .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
      const events = eventsFromAudit(record('user.created', { id: 'u1' }));
      await expect(
        new EventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'bus').publish(events),
      ).rejects.toThrow(/a1: InternalFailure/);
    });

    it('drops before/after of an event above the size EventBridge takes', async () => {
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
      const events = eventsFromAudit(record('course.updated', { description: 'x'.repeat(300_000) }));
      await new EventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'bus').publish(events);
      const detail = JSON.parse(
        eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '{}',
      );
      expect(detail.data).toEqual({ before: null, after: null });
      expect(detail.type).toBe('course.updated');
    });
  });
});

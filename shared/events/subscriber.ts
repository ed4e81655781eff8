/**
 * What a domain-event job needs from a delivery: the event, checked, and the actor its changes are audited
 * as (the job, in the causing request's correlation id, so a chain of changes can be followed back).
 */
import type { Actor } from '../domain/principal.ts';
import { systemActor } from '../domain/principal.ts';
import { DomainEvent, type DomainEventDelivery } from './envelope.ts';

export function receivedEvent(
  delivery: DomainEventDelivery,
  jobName: string,
): { event: DomainEvent; actor: Actor } {
  const event = DomainEvent.parse(delivery.detail);
  return {
    event,
    actor: systemActor(`job:${jobName}`, event.correlationId),
  };
}

/** `<kind>:<id>` or `<kind>:<id>:<id>` subjects, split. */
export function subjectIds(subject: string): string[] {
  return subject.split(':').slice(1);
}

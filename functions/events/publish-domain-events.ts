import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { EventBridgeBus, eventsOfStreamRecord } from '../../shared/events/publish.ts';
import { logger } from '../../shared/http/logger.ts';
import { publishDomainEvents as job } from '../../shared/jobs/manifest.ts';
import { countMetric } from '../../shared/metrics.ts';

const bus = new EventBridgeBus(eventBridgeClient(), requireSetting('eventBusName'));

/**
 * DynamoDB stream -> EventBridge, in stream order. On a failure the records from the failed one on are
 * reported back, so Lambda retries exactly those (and bisects a poison record into the failure queue), and
 * the failure counts as a JobFailures. The enrollments among the events published count as
 * EnrollmentsCreated.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  let enrollments = 0;
  for (const record of event.Records) {
    try {
      const events = eventsOfStreamRecord(record);
      await bus.publish(events);
      // New enrollments of every source (by hand, cohort, self-enrollment, API) pass here once committed.
      enrollments += events.filter((published) => published.type === 'enrollment.created').length;
    } catch (error) {
      logger.error('could not publish the events of an audit record', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: (error as Error).message,
      });
      countMetric('JobFailures', 1, { job: job.name });
      countMetric('EnrollmentsCreated', enrollments);
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  countMetric('EnrollmentsCreated', enrollments);
  return { batchItemFailures: [] };
};

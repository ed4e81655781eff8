import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { EventBridgeBus, eventsOfStreamRecord } from '../../shared/events/publish.ts';
import { logger } from '../../shared/http/logger.ts';

const bus = new EventBridgeBus(eventBridgeClient(), requireSetting('eventBusName'));

/**
 * DynamoDB stream -> EventBridge, in stream order. On a failure the records from the failed one on are
 * reported back, so Lambda retries exactly those (and bisects a poison record into the failure queue).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    try {
      await bus.publish(eventsOfStreamRecord(record));
    } catch (error) {
      logger.error('could not publish the events of an audit record', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: (error as Error).message,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};

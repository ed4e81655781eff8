/** Hands a queued run to its worker: one SQS message `{ jobId }` on the run's work queue. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { sqsClient } from '../clients.ts';
import { QUEUE_ENV, requireSetting } from '../config.ts';
import type { QueueName } from '../http/route.ts';
import type { RunQueue } from '../use-cases/job-runs.ts';

export const QueuedRunMessage = z.strictObject({ jobId: z.uuid() });

export class SqsRunQueue implements RunQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(jobId: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ jobId }) }),
    );
  }
}

/** The queue a function is bound to (`needs.queues`), read at cold start. */
export function runQueue(queue: QueueName): RunQueue {
  return new SqsRunQueue(sqsClient(), requireSetting(QUEUE_ENV[queue]));
}

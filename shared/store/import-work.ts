/**
 * Starting an import's apply or undo in the background: a message on the imports queue (SQS in AWS; the
 * local stack's SQS endpoint locally), which the run-import job takes. A run that cannot finish in one go
 * sends the next message itself, from its checkpoint.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { ImportWork } from '../use-cases/imports/requests.ts';

/** The queue message: which import, and which step. */
export const ImportWorkMessage = z.strictObject({
  importId: z.uuid(),
  step: z.enum(['apply', 'undo']),
});

export class SqsImportWork implements ImportWork {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async start(importId: string, step: 'apply' | 'undo'): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ importId, step }) }),
    );
  }
}

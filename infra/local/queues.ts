/**
 * The work queues, locally: an endpoint that speaks the SQS API's SendMessage (AWS JSON 1.0, as the SDK's
 * SQS client sends it: `X-Amz-Target: AmazonSQS.SendMessage`), so handlers send to it exactly as they send
 * to SQS in AWS (`AWS_ENDPOINT_URL_SQS`). Each message is handed to the queue job of the job manifest that
 * consumes it, in this process, as Lambda's event source mapping would: one message per invocation, again
 * after a failure (with a pause), and after five failed receives to the dead-letter log line.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { QUEUES, type QueueName } from '../../shared/http/route.ts';
import { jobs, type QueueJob } from '../../shared/jobs/manifest.ts';
import { LOCAL_HOST, LOCAL_REGION } from './emulators.ts';
import { handlerLoader } from './paths.ts';

type Handler = (
  event: SQSEvent,
  context: { getRemainingTimeInMillis(): number; awsRequestId: string },
) => Promise<unknown>;

/** SQS's own limit on a message. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Receives of a message before it goes to the dead-letter queue (LmsData's redrive policy says 5). */
const MAX_RECEIVES = 5;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
const ACCOUNT = '000000000000';

export interface LocalQueues {
  endpoint: string;
  /** The URL of each queue, as handlers get it (`IMPORTS_QUEUE_URL`). */
  urls: Record<QueueName, string>;
  /** Resolves when every message sent so far has been handled (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalQueues(options: {
  root: string;
  log: (line: string) => void;
}): Promise<LocalQueues> {
  const consumers = new Map(
    jobs
      .filter((job): job is QueueJob => job.trigger.kind === 'queue')
      .map((job) => [job.trigger.queue, job] as const),
  );
  const load = handlerLoader<Handler>(options.root);
  const pending = new Set<Promise<void>>();
  let stopped = false;

  const deliver = async (queue: QueueName, body: string, messageId: string) => {
    const job = consumers.get(queue);
    if (!job) {
      options.log(`queue ${queue}: no job consumes it; message ${messageId} dropped`);
      return;
    }
    for (let receive = 1; !stopped; receive++) {
      const event: SQSEvent = {
        Records: [
          {
            messageId,
            receiptHandle: `${messageId}:${receive}`,
            body,
            attributes: {
              ApproximateReceiveCount: String(receive),
              SentTimestamp: String(Date.now()),
              SenderId: ACCOUNT,
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: md5(body),
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT}:${queue}`,
            awsRegion: LOCAL_REGION,
          },
        ],
      };
      const deadline = Date.now() + (job.timeoutSeconds ?? 60) * 1000;
      try {
        await (await load(job.handler))(event, {
          getRemainingTimeInMillis: () => deadline - Date.now(),
          awsRequestId: `${messageId}:${receive}`,
        });
        return;
      } catch (error) {
        options.log(`${job.name} failed (receive ${receive}): ${(error as Error).message}`);
        if (receive >= MAX_RECEIVES) {
          options.log(
            `${job.name}: message ${messageId} moved to the dead-letter queue after ${receive} receives`,
          );
          return;
        }
        await new Promise((done) => setTimeout(done, RETRY_DELAYS_MS[receive - 1] ?? 4000));
      }
    }
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_MESSAGE_BYTES + 4096) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const answer = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      };
      if (request.headers['x-amz-target'] !== 'AmazonSQS.SendMessage')
        return answer(400, {
          __type: 'com.amazonaws.sqs#UnsupportedOperation',
          message: `The local queues answer SendMessage only (got ${String(request.headers['x-amz-target'])}).`,
        });
      let input: { QueueUrl?: unknown; MessageBody?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'not JSON' });
      }
      const queue = String(input.QueueUrl ?? '')
        .split('/')
        .pop() as QueueName;
      if (!consumers.has(queue) || typeof input.MessageBody !== 'string')
        return answer(400, {
          __type: 'com.amazonaws.sqs#QueueDoesNotExist',
          message: `No queue ${String(input.QueueUrl)}`,
        });
      const body = input.MessageBody;
      const messageId = randomUUID();
      // Later, as SQS delivers: the sender's request returns first.
      const run = new Promise<void>((done) => setImmediate(done))
        .then(() => deliver(queue, body, messageId))
        .finally(() => pending.delete(run));
      pending.add(run);
      return answer(200, { MessageId: messageId, MD5OfMessageBody: md5(body) });
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, LOCAL_HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  return {
    endpoint,
    urls: Object.fromEntries(QUEUES.map((queue) => [queue, `${endpoint}/${ACCOUNT}/${queue}`])) as Record<
      QueueName,
      string
    >,
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop: async () => {
      stopped = true;
      await Promise.allSettled([...pending]);
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    },
  };
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

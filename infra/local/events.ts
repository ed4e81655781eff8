import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { type DomainEvent, type DomainEventDelivery, EVENT_SOURCE } from '../../shared/events/envelope.ts';
import { eventsOfStreamRecord } from '../../shared/events/publish.ts';
import { type DomainEventJob, type JobDefinition, jobs } from '../../shared/jobs/manifest.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';
import { handlerLoader } from './paths.ts';

type Handler = (event: DomainEventDelivery) => Promise<unknown>;

const POLL_INTERVAL_MS = 100;
const RETRY_DELAYS_MS = [200, 1000];

export interface LocalEventBus {
  /** Resolves once every change committed before the call has been delivered and handled (tests wait on it). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalEventBus(options: {
  root: string;
  dynamoDbEndpoint: string;
  tableName: string;
  log: (line: string) => void;
}): Promise<LocalEventBus> {
  const clientConfig = {
    endpoint: options.dynamoDbEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  };
  const client = new DynamoDBStreamsClient(clientConfig);
  const { Table } = await new DynamoDBClient(clientConfig).send(
    new DescribeTableCommand({ TableName: options.tableName }),
  );
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn)
    throw new Error(`Local table ${options.tableName} has no stream (infra/local/resources.ts enables it).`);
  const subscribers = jobs.filter(
    (job: JobDefinition): job is DomainEventJob => job.trigger.kind === 'domain-event',
  );
  const loadHandler = handlerLoader<Handler>(options.root);
  const load = (job: DomainEventJob) => loadHandler(job.handler);

  // shard id -> next iterator; a closed shard drops out and its children are picked up on the next describe.
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const describeShards = async (initial: boolean) => {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || iterators.has(id) || finished.has(id)) continue;
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      if (initial && !open) {
        finished.add(id);
        continue;
      }
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: id,
          ShardIteratorType: initial ? 'LATEST' : 'TRIM_HORIZON',
        }),
      );
      if (ShardIterator) iterators.set(id, ShardIterator);
    }
  };

  const deliver = async (event: DomainEvent) => {
    const delivery: DomainEventDelivery = {
      version: '0',
      id: event.id,
      'detail-type': event.type,
      source: EVENT_SOURCE,
      account: '000000000000',
      time: event.time,
      region: LOCAL_REGION,
      resources: [],
      detail: event,
    };
    for (const job of subscribers) {
      if (!(job.trigger.types as readonly string[]).includes(event.type)) continue;
      const handler = await load(job);
      for (let attempt = 0; ; attempt++) {
        try {
          await handler(delivery);
          break;
        } catch (error) {
          const delay = RETRY_DELAYS_MS[attempt];
          options.log(
            `${job.name} failed on ${event.type} ${event.subject} (attempt ${attempt + 1}): ${(error as Error).message}`,
          );
          if (delay === undefined) break;
          await new Promise((done) => setTimeout(done, delay));
        }
      }
    }
  };

  /** One pass over every shard; returns how many stream records it read. */
  const poll = async (): Promise<number> => {
    let read = 0;
    for (const [shardId, iterator] of [...iterators]) {
      const { Records, NextShardIterator } = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
      if (NextShardIterator) iterators.set(shardId, NextShardIterator);
      else {
        iterators.delete(shardId);
        finished.add(shardId);
      }
      for (const record of Records ?? []) {
        read++;
        const image = record.dynamodb?.NewImage;
        const repaired = image
          ? { ...record, dynamodb: { ...record.dynamodb, NewImage: withEmptyMaps(image) } }
          : record;
        for (const event of eventsOfStreamRecord(repaired)) await deliver(event);
      }
    }
    return read;
  };

  await describeShards(true);
  let stopped = false;
  let passes = 0;
  /** Consecutive passes that read nothing. */
  let quietPasses = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (iterators.size === 0 || passes % 50 === 0) await describeShards(false);
        const read = await poll();
        quietPasses = read === 0 ? quietPasses + 1 : 0;
        passes++;
        if (read === 0) await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS));
      } catch (error) {
        if (!stopped) options.log(`event bus: ${(error as Error).message}`);
        await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS * 10));
      }
    }
  })();

  return {
    // Handlers run inside a pass, so two quiet passes after the call mean their own changes were delivered too.
    settled: async () => {
      const start = passes;
      while (!stopped && (passes < start + 2 || quietPasses < 2))
        await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS / 2));
    },
    stop: async () => {
      stopped = true;
      await loop;
      client.destroy();
    },
  };
}

/**
 * The streams client (3.1141, generic JSON codec) reads an empty map `{ "M": {} }` as `{}`; the DynamoDB
 * client has its own codec, and Lambda gets the stream's raw JSON, so only this poller needs the repair.
 * An AttributeValue always has exactly one key, so an empty object can only have been an empty map.
 */
function withEmptyMaps(image: Record<string, unknown>): Record<string, unknown> {
  const repair = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const attribute = value as Record<string, unknown>;
    if (Object.keys(attribute).length === 0) return { M: {} };
    if (Array.isArray(attribute.L)) return { L: attribute.L.map(repair) };
    if (attribute.M && typeof attribute.M === 'object')
      return { M: withEmptyMaps(attribute.M as Record<string, unknown>) };
    return attribute;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)]));
}

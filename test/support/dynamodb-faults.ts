/**
 * Faults DynamoDB answers a busy table with, injected at the SDK's edge, since DynamoDB Local never sends
 * them. The middleware sits where the HTTP call is made (below the SDK's own retries, and below its
 * deserializer), so the SDK and our code see exactly what a busy table would send:
 *
 * - `UnprocessedItems`: a BatchWriteItem call sends DynamoDB only part of its requests; the rest come back
 *   in the response's `UnprocessedItems`, as DynamoDB's own JSON, unwritten. Likewise BatchGetItem's
 *   `UnprocessedKeys`. At least one request of a call is always processed, as DynamoDB does (when it can
 *   take none, it throttles the call instead).
 * - Throttling: a call is answered `400` with the body DynamoDB sends for
 *   `ProvisionedThroughputExceededException` or `ThrottlingException`, and nothing is written. The SDK's
 *   deserializer turns that into its own exception, and its retry strategy retries it (3 attempts by
 *   default, with its own backoff and retry quota). Throttling comes in bursts, as on a hot partition: a
 *   burst longer than the SDK's attempts reaches the caller, whose own retries must take over.
 *
 * Deterministic for a seed, so a failing run can be replayed.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoDbFaultOptions {
  /** Seed of the fault sequence. */
  seed: number;
  /** Share of BatchWriteItem / BatchGetItem calls answered with part of their requests unprocessed. */
  unprocessed: number;
  /** Share of calls (any operation) that start a burst of throttling. */
  throttled: number;
  /** Longest burst, in consecutive calls answered with a throttling error. @default 4 */
  maxBurst?: number;
}

export interface DynamoDbFaultCounts {
  calls: number;
  /** Calls answered with part of their requests unprocessed, and how many requests that left. */
  unprocessedCalls: number;
  unprocessedRequests: number;
  /** Calls answered with a throttling error. */
  throttled: number;
}

const THROTTLES = [
  {
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  {
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
] as const;

interface WireRequest {
  body?: unknown;
  headers: Record<string, string>;
}

interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Adds the faults to the client (and to every document client made from it); answers the live counts. */
export function injectDynamoDbFaults(
  client: DynamoDBClient,
  options: DynamoDbFaultOptions,
): DynamoDbFaultCounts {
  const counts: DynamoDbFaultCounts = { calls: 0, unprocessedCalls: 0, unprocessedRequests: 0, throttled: 0 };
  const random = seeded(options.seed);
  const maxBurst = options.maxBurst ?? 4;
  let burst = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = (args as { request?: WireRequest }).request;
      const operation = String((context as { commandName?: string }).commandName ?? '').replace(
        /Command$/,
        '',
      );
      const sent = request ? requestText(request.body) : undefined;
      if (!request || sent === undefined) return next(args);
      counts.calls++;
      if (burst === 0 && random() < options.throttled) burst = 1 + Math.floor(random() * maxBurst);
      if (burst > 0) {
        burst--;
        counts.throttled++;
        const throttle = THROTTLES[Math.floor(random() * THROTTLES.length)] ?? THROTTLES[0];
        return {
          response: jsonResponse(400, { __type: throttle.type, message: throttle.message }),
          output: undefined,
        } as never;
      }
      if (
        (operation === 'BatchWriteItem' || operation === 'BatchGetItem') &&
        random() < options.unprocessed
      ) {
        const body = JSON.parse(sent) as { RequestItems: Record<string, unknown> };
        const held = holdBack(operation, body.RequestItems, random);
        if (held.count > 0) {
          counts.unprocessedCalls++;
          counts.unprocessedRequests += held.count;
          const text = JSON.stringify(body);
          request.body = text;
          request.headers['content-length'] = String(Buffer.byteLength(text));
          const result = (await next(args)) as { response: WireResponse };
          const answer = JSON.parse(await bodyText(result.response.body)) as Record<string, unknown>;
          answer[operation === 'BatchWriteItem' ? 'UnprocessedItems' : 'UnprocessedKeys'] = held.requests;
          return {
            ...result,
            response: jsonResponse(result.response.statusCode, answer, result.response.headers),
          };
        }
      }
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'injectDynamoDbFaults' },
  );
  return counts;
}

/**
 * Takes some requests out of each table's list (never all of a call's): answers them in the shape of the
 * response's UnprocessedItems / UnprocessedKeys.
 */
function holdBack(
  operation: 'BatchWriteItem' | 'BatchGetItem',
  requestItems: Record<string, unknown>,
  random: () => number,
): { count: number; requests: Record<string, unknown> } {
  const requests: Record<string, unknown> = {};
  let count = 0;
  let total = 0;
  for (const value of Object.values(requestItems))
    total +=
      operation === 'BatchWriteItem'
        ? (value as unknown[]).length
        : (value as { Keys: unknown[] }).Keys.length;
  for (const [table, value] of Object.entries(requestItems)) {
    const list = operation === 'BatchWriteItem' ? (value as unknown[]) : (value as { Keys: unknown[] }).Keys;
    const kept: unknown[] = [];
    const held: unknown[] = [];
    for (const request of list) {
      // Hold back about half, never the last one processed.
      if (random() < 0.5 && count + held.length < total - 1) held.push(request);
      else kept.push(request);
    }
    if (held.length === 0) continue;
    count += held.length;
    if (operation === 'BatchWriteItem') {
      requestItems[table] = kept;
      requests[table] = held;
    } else {
      const keysAndAttributes = value as { Keys: unknown[] };
      requestItems[table] = { ...keysAndAttributes, Keys: kept };
      requests[table] = { ...keysAndAttributes, Keys: held };
    }
    if (kept.length === 0) delete requestItems[table];
  }
  return { count, requests };
}

function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): WireResponse {
  const text = JSON.stringify(body);
  const kept = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !['content-length', 'x-amz-crc32'].includes(name.toLowerCase()),
    ),
  );
  return {
    statusCode,
    headers: {
      ...kept,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': kept['x-amzn-requestid'] ?? `injected-${Math.random().toString(36).slice(2)}`,
    },
    body: Buffer.from(text),
  };
}

/** The JSON the SDK is about to send (a string, or its bytes). */
function requestText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return undefined;
}

async function bodyText(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Deterministic [0, 1) numbers (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

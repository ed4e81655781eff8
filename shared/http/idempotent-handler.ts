/**
 * `httpHandler` for routes that accept an `Idempotency-Key` (Powertools idempotency, records in the single
 * table). A retry with the same key from the same caller gets the first response again, marked
 * `Idempotent-Replayed: true`, and writes nothing; the same key with a different body is a 422; a retry
 * while the first is still running is a 409. Records expire after 24 hours (table TTL). Without the header
 * the route behaves as usual. A separate module so that other routes' bundles do not carry Powertools
 * idempotency.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDbClient } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../store/table-schema.ts';
import { type HttpRequest, type HttpResult, httpHandler, type LmsHandler } from './handler.ts';
import type { RouteDefinition } from './route.ts';

const DAY_SECONDS = 24 * 60 * 60;

interface IdempotencyIdentity {
  caller: string;
  key: string;
  payload: unknown;
}

export function idempotentHttpHandler<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R>) => Promise<HttpResult>,
): LmsHandler {
  if (!route.request.idempotent) throw new Error(`Route ${route.id} does not declare request.idempotent.`);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[caller, key]',
    payloadValidationJmesPath: 'payload',
    expiresAfterSeconds: DAY_SECONDS,
    responseHook: (response) => {
      const result = response as { headers?: Record<string, string> };
      return { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } };
    },
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: requireSetting('tableName'),
    keyAttr: TABLE_KEYS.partitionKey,
    sortKeyAttr: TABLE_KEYS.sortKey,
    staticPkValue: `IDEMPOTENCY#${route.id}`,
    expiryAttr: TTL_ATTRIBUTE,
    // The shared client: the same endpoint, and in the tests the same record of calls, as every store.
    awsSdkV3Client: dynamoDbClient(),
  });
  const once = makeIdempotent(
    (_identity: IdempotencyIdentity, request: HttpRequest<R>): Promise<HttpResult> => action(request),
    { persistenceStore, config },
  );
  return httpHandler(route, async (request) => {
    if (request.idempotencyKey === undefined) return action(request);
    config.registerLambdaContext(request.context);
    const caller = request.principal?.sub ?? 'anonymous';
    return once({ caller, key: request.idempotencyKey, payload: request.body }, request);
  });
}

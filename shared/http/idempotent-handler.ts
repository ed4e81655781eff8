/**
 * `httpHandler` for routes that accept an `Idempotency-Key` (Powertools idempotency, records in the single
 * table). A key belongs to its caller and names one request: the record is found by caller and key alone,
 * whatever the route, and holds a hash of what the key was first sent with (route, path parameters, query,
 * body). So:
 * - a retry (same caller, key, route, resource and body) gets the first response again, marked
 *   `Idempotent-Replayed: true`, and writes nothing;
 * - the same key with another route, another resource or another body is a 422, `Idempotency-Key reused for
 *   a different request`, and runs nothing (as payment APIs do);
 * - a retry while the first is still running is a 409.
 *
 * A replay still passes the route gate first (middleware/authorize.ts): the token must be valid and still
 * carry a role or scope the route accepts, so a caller who lost it gets 401/403, not the stored answer.
 * Resource-level scope (a manager's departments, an instructor's courses) is not evaluated again: a replay
 * changes nothing and repeats to the same caller only what they were answered then, within 24 hours.
 *
 * Records expire after 24 hours (table TTL). Without the header the route behaves as usual. A separate module
 * so that other routes' bundles do not carry Powertools idempotency.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDbClient } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { keys } from '../store/keys.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../store/table-schema.ts';
import { type HttpRequest, type HttpResult, httpHandler, type LmsHandler } from './handler.ts';
import type { RouteDefinition } from './route.ts';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * The records' key prefix. Powertools defaults to the Lambda function's name, which would give each route
 * its own key space; one fixed prefix lets a key sent to a second route find the first route's record.
 */
const KEY_PREFIX = 'lms-request';

interface IdempotentCall {
  caller: string;
  key: string;
  /** What the key is bound to; a different one under the same key is a 422. */
  request: { route: string; params: unknown; query: unknown; body: unknown };
}

export function idempotentHttpHandler<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R>) => Promise<HttpResult>,
): LmsHandler {
  if (!route.request.idempotent) throw new Error(`Route ${route.id} does not declare request.idempotent.`);
  const tableName = requireSetting('tableName');
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[caller, key]',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: DAY_SECONDS,
    responseHook: (response) => {
      const result = response as { headers?: Record<string, string> };
      return { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } };
    },
  });
  const run = (_call: IdempotentCall, request: HttpRequest<R>): Promise<HttpResult> => action(request);
  return httpHandler(route, async (request) => {
    if (request.idempotencyKey === undefined) return action(request);
    config.registerLambdaContext(request.context);
    const caller = request.principal?.sub ?? 'anonymous';
    // The caller's own partition: a persistence layer's partition value is fixed when it is made.
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName,
      keyAttr: TABLE_KEYS.partitionKey,
      sortKeyAttr: TABLE_KEYS.sortKey,
      staticPkValue: keys.idempotencyRecords(caller),
      expiryAttr: TTL_ATTRIBUTE,
      awsSdkV3Client: dynamoDbClient(),
    });
    const once = makeIdempotent(run, { persistenceStore, config, keyPrefix: KEY_PREFIX });
    return once(
      {
        caller,
        key: request.idempotencyKey,
        request: {
          route: route.id,
          params: request.params ?? null,
          query: request.query ?? null,
          body: request.body ?? null,
        },
      },
      request,
    );
  });
}

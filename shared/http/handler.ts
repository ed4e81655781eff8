/**
 * The one way to write an HTTP handler. `httpHandler(route, action)` wraps the route's action in the same
 * middy stack for every route: logging with the request id as correlation id, authorization from the
 * manifest (deny by default), request parsing and validation, response validation, ETag, CORS, and errors as
 * problem+json. The action receives typed input and returns a plain result.
 *
 * @example
 * export const handler = httpHandler(getUser, async ({ params, principal }) => ({ body: ..., version: 3 }));
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { optionalSetting } from '../config.ts';
import type { Principal } from '../domain/principal.ts';
import { coldStartMetric } from '../metrics.ts';
import { logger } from './logger.ts';
import { authorize } from './middleware/authorize.ts';
import type { LmsContext } from './middleware/lms-context.ts';
import { parseRequest } from './middleware/parse-request.ts';
import { problemErrors } from './middleware/problem-errors.ts';
import type { RouteDefinition } from './route.ts';
import { SCIM_CONTENT_TYPE } from './scim-response.ts';

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface HttpRequest<R extends RouteDefinition> {
  params: Output<R['request']['params']>;
  query: Output<R['request']['query']>;
  body: Output<R['request']['body']>;
  /** Version named by If-Match (always set when the route requires it). */
  ifMatch: R['request']['ifMatch'] extends 'required' ? number : number | undefined;
  principal: R['access'] extends { public: true } ? Principal | undefined : Principal;
  /** Idempotency-Key, on routes that accept one. */
  idempotencyKey: string | undefined;
  requestId: string;
  event: APIGatewayProxyEvent;
  context: Context;
}

export interface HttpResult {
  /** @default the route's declared status */
  status?: number;
  /** JSON, or a string sent as is when `headers['content-type']` names its type. */
  body?: unknown;
  /** Sent as an ETag: strong, `"<version>"`; weak, `W/"<version>"`, on SCIM routes. */
  version?: number;
  headers?: Record<string, string>;
}

export type LmsHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function httpHandler<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R>) => Promise<HttpResult>,
): LmsHandler {
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const { input, principal } = context as LmsContext;
    const result = await action({
      params: input?.params,
      query: input?.query,
      body: input?.body,
      ifMatch: input?.ifMatch,
      idempotencyKey: input?.idempotencyKey,
      principal,
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      event,
      context,
    } as HttpRequest<R>);
    return respond(route, result);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlateLogs())
    .use(countColdStart())
    .use(httpCors({ origins: corsAllowedOrigins(), exposeHeaders: 'ETag', maxAge: 600 }))
    .use(problemErrors(route.protocol))
    .use(authorize(route.access))
    .use(parseRequest(route))
    .handler(core) as unknown as LmsHandler;
}

/**
 * The origins the API answers cross-origin requests from (`CORS_ALLOWED_ORIGINS`, comma-separated; CDK sets
 * the ones API Gateway's preflight allows): a listed request origin is echoed, `*` allows any.
 * @default ['*']
 */
export function corsAllowedOrigins(): string[] {
  const listed = (optionalSetting('corsAllowedOrigins') ?? '*').split(',').map((origin) => origin.trim());
  return listed.filter(Boolean);
}

/** The API functions' cold starts (Powertools' ColdStart metric), for the monitoring dashboard. */
function countColdStart(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return { before: async (request) => coldStartMetric(request.context.functionName) };
}

/** Every log line of the request carries API Gateway's request id, which clients also see in problems. */
function correlateLogs(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      logger.setCorrelationId(request.event.requestContext?.requestId ?? request.context.awsRequestId);
    },
  };
}

/**
 * Validates the action's result against the route's response schema before it leaves: the schema strips
 * storage attributes (keys, index attributes) so nothing internal leaks, and a mismatch is a bug (500).
 */
function respond(route: RouteDefinition, result: HttpResult): APIGatewayProxyResult {
  const statusCode = result.status ?? route.response.status;
  const scim = route.protocol === 'scim';
  const headers: Record<string, string> = { ...result.headers };
  if (result.version !== undefined) headers.etag = `${scim ? 'W/' : ''}"${result.version}"`;
  if (statusCode === 204 || result.body === undefined) return { statusCode, headers, body: '' };
  // A body the action serialised itself, in its own content type (an xAPI document), goes out as it is.
  if (typeof result.body === 'string' && headers['content-type'])
    return { statusCode, headers, body: result.body };
  const body = route.response.body && statusCode < 300 ? route.response.body.parse(result.body) : result.body;
  headers['content-type'] = scim ? SCIM_CONTENT_TYPE : 'application/json';
  return { statusCode, headers, body: JSON.stringify(body) };
}

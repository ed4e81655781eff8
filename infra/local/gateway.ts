/**
 * The local API gateway: serves every route of the manifest over HTTP, building the same
 * `APIGatewayProxyEvent` API Gateway's Lambda proxy integration builds, authenticating bearer tokens with the
 * same authorizer code as AWS (shared/http/authorizer.ts: its policy must allow the method and path, as API
 * Gateway checks it, and its context lands in `requestContext.authorizer`), and invoking the route's handler
 * module in-process. Routes not in the manifest do not exist here either. In front of it all, as WAF is in
 * AWS, the SCIM endpoints' rate limit (shared/scim/throttle.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  PolicyDocument,
} from 'aws-lambda';
import { bearerToken } from '../../shared/http/authorizer.ts';
import { corsAllowedOrigins } from '../../shared/http/handler.ts';
import { HttpProblem, problemResponse } from '../../shared/http/problem.ts';
import { recordRequest } from '../../shared/http/request-log.ts';
import type { HttpMethod, RouteDefinition } from '../../shared/http/route.ts';
import {
  isScimPath,
  type RateLimit,
  SCIM_RATE_LIMIT,
  scimThrottledBody,
} from '../../shared/scim/throttle.ts';
import { handlerLoader } from './paths.ts';

/**
 * The request authorizer's answer for a bearer token and the method ARN of the request (policy, principal
 * id, context); rejects when the token is not accepted.
 */
export type Authenticator = (token: string, methodArn: string) => Promise<APIGatewayAuthorizerResult>;
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  routes: readonly RouteDefinition[];
  authenticate: Authenticator;
  /** Project root the manifest's handler paths are relative to. */
  root: string;
  /** The SCIM endpoints' limit per caller (WAF's in AWS). @default SCIM_RATE_LIMIT */
  scimRateLimit?: RateLimit;
  log?: (line: string) => void;
}

/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

export function createGateway(options: GatewayOptions): Server {
  const compiled = options.routes.map(compile);
  const loadHandler = handlerLoader<Handler>(options.root);
  const load = (route: RouteDefinition) => loadHandler(route.handler);
  const scimLimit = options.scimRateLimit ?? SCIM_RATE_LIMIT;
  const countScimRequest = fixedWindowCounter(scimLimit);

  return createServer((request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    // Before routing and authentication, as WAF is. Every caller here is 127.0.0.1, so a caller is its
    // Authorization header (WAF counts per address in AWS).
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const retryAfter = isScimPath(path) ? countScimRequest(request.headers.authorization ?? '') : undefined;
    const answer =
      retryAfter === undefined
        ? serve(request, requestId, compiled, options, load)
        : Promise.resolve(scimThrottled(scimLimit, retryAfter));
    answer
      .catch((error: unknown) => {
        options.log?.(`gateway error ${requestId}: ${(error as Error).message}`);
        return problemResponse(new HttpProblem(502, 'The function failed before answering.'), requestId);
      })
      .then((result) => {
        send(response, result);
        recordRequest(result.statusCode);
        options.log?.(
          `${request.method} ${request.url} ${result.statusCode} ${Math.round(performance.now() - started)}ms`,
        );
      });
  });
}

async function serve(
  request: IncomingMessage,
  requestId: string,
  compiled: CompiledRoute[],
  options: GatewayOptions,
  load: (route: RouteDefinition) => Promise<Handler>,
): Promise<APIGatewayProxyResult> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  // As in API Gateway, the resource is the most specific path that matches (static segments beat {params});
  // then the method picks among that resource's routes.
  const candidates = compiled
    .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
    .filter((candidate) => candidate.match !== null);
  const fewestParameters = Math.min(...candidates.map((candidate) => candidate.entry.names.length));
  const matches = candidates.filter((candidate) => candidate.entry.names.length === fewestParameters);
  if (matches.length === 0)
    return problemResponse(new HttpProblem(404, `No route ${url.pathname}.`), requestId, url.pathname);
  if (method === 'OPTIONS')
    return preflight(
      matches.map((candidate) => candidate.entry.route.method),
      request.headers.origin,
    );
  const found = matches.find((candidate) => candidate.entry.route.method === (method as HttpMethod));
  if (!found?.match) {
    const allowed = matches.map((candidate) => candidate.entry.route.method).join(', ');
    const result = problemResponse(
      new HttpProblem(405, `${url.pathname} answers ${allowed}, not ${method}.`),
      requestId,
      url.pathname,
    );
    return { ...result, headers: { ...result.headers, allow: allowed } };
  }
  const { route, names } = found.entry;
  const body = await readBody(request);
  if (body === undefined)
    return problemResponse(
      new HttpProblem(413, 'The request is larger than 10 MB.'),
      requestId,
      url.pathname,
    );

  let authorizer: APIGatewayAuthorizerResult | undefined;
  if (!('public' in route.access)) {
    const token = bearerToken(request.headers.authorization);
    if (!token)
      return problemResponse(
        new HttpProblem(401, 'Sign in first: send a bearer token in the Authorization header.'),
        requestId,
        url.pathname,
      );
    const methodArn = localMethodArn(route.method, url.pathname);
    try {
      authorizer = await options.authenticate(token, methodArn);
    } catch {
      return problemResponse(
        new HttpProblem(401, 'The token is invalid or expired; get a new one.'),
        requestId,
        url.pathname,
      );
    }
    // API Gateway's own check of the answer (ACCESS_DENIED, with its message): a SCIM token opens /scim/v2 only.
    if (!policyAllows(authorizer.policyDocument, methodArn))
      return problemResponse(
        new HttpProblem(403, 'User is not authorized to access this resource'),
        requestId,
        url.pathname,
      );
  }

  const pathParameters = Object.fromEntries(
    names.map((name, index) => [name, safeDecode(found.match?.[index + 1] ?? '')]),
  );
  const event = toEvent(request, url, route, body, pathParameters, requestId, authorizer);
  const handler = await load(route);
  return handler(event, lambdaContext(route, requestId));
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!parameter) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      names.push(parameter);
      return '([^/]+)';
    })
    .join('/');
  return { route, names, pattern: new RegExp(`^${source}$`) };
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  route: RouteDefinition,
  body: string,
  pathParameters: Record<string, string>,
  requestId: string,
  authorizer: APIGatewayAuthorizerResult | undefined,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: authorizer ? { principalId: authorizer.principalId, ...authorizer.context } : null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: route.method,
      // The path as the client called it; locally no stage prefixes it (in AWS: `/<stage>/…`).
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: route.id,
      resourcePath: route.path,
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? null,
      },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/**
 * Counts each caller's requests in fixed windows of the limit's length (aligned to the clock, so one reset
 * forgets every caller) and answers the seconds until the window ends once a caller is over the limit;
 * undefined while it is within.
 */
export function fixedWindowCounter(
  limit: RateLimit,
  now: () => number = Date.now,
): (caller: string) => number | undefined {
  const windowMs = limit.windowSeconds * 1000;
  let window = Number.NaN;
  const counts = new Map<string, number>();
  return (caller) => {
    const at = now();
    const current = Math.floor(at / windowMs);
    if (current !== window) {
      window = current;
      counts.clear();
    }
    const count = (counts.get(caller) ?? 0) + 1;
    counts.set(caller, count);
    if (count <= limit.requests) return undefined;
    return Math.max(1, Math.ceil(((current + 1) * windowMs - at) / 1000));
  };
}

/** What WAF's SCIM rule answers in AWS: 429, Retry-After, the SCIM error body as application/json. */
function scimThrottled(limit: RateLimit, retryAfterSeconds: number): APIGatewayProxyResult {
  return {
    statusCode: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
    body: JSON.stringify(scimThrottledBody(limit)),
  };
}

/** The method ARN API Gateway gives a request authorizer, for the local API and stage. */
function localMethodArn(method: HttpMethod, path: string): string {
  return `arn:aws:execute-api:local:000000000000:local/local/${method}${path}`;
}

/**
 * Whether an authorizer's policy lets the request through, as API Gateway evaluates it: some Allow statement
 * for execute-api:Invoke names a resource that matches the method ARN (`*` any characters, `?` one), and no
 * Deny statement does.
 */
export function policyAllows(policy: PolicyDocument, methodArn: string): boolean {
  const matching = (effect: string) =>
    policy.Statement.some((statement) => {
      if (statement.Effect !== effect || !('Action' in statement) || !('Resource' in statement)) return false;
      const actions = [statement.Action].flat().filter((action) => action !== undefined);
      const resources = [statement.Resource].flat().filter((resource) => resource !== undefined);
      return (
        actions.some((action) => wildcard(action).test('execute-api:Invoke')) &&
        resources.some((resource) => wildcard(resource).test(methodArn))
      );
    });
  return matching('Allow') && !matching('Deny');
}

function wildcard(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function lambdaContext(route: RouteDefinition, requestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${route.id}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/local-${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** API Gateway's preflight, with the origins the handlers allow (CORS_ALLOWED_ORIGINS). */
function preflight(methods: HttpMethod[], origin: string | undefined): APIGatewayProxyResult {
  const allowed = corsAllowedOrigins();
  const allowOrigin = allowed.includes('*') ? '*' : allowed.find((candidate) => candidate === origin);
  return {
    statusCode: 204,
    headers: {
      ...(allowOrigin ? { 'access-control-allow-origin': allowOrigin, vary: 'Origin' } : {}),
      'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
      'access-control-allow-headers':
        'Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Experience-API-Version',
      'access-control-max-age': '600',
    },
    body: '',
  };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  response.writeHead(result.statusCode, headers);
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

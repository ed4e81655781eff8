/**
 * The LRS's HTTP conventions, around the one middy stack of every route (`httpHandler`):
 * - `X-Experience-API-Version` is required on every request but `/xapi/about` (1.0.x or 2.0.x; 400
 *   otherwise) and answered on every response, errors included;
 * - the routes are public at the gateway: the credential is a session's auth-token (`Authorization: Basic`),
 *   checked here (401), and each session's requests are counted (429 with Retry-After);
 * - statement bodies are checked for size and count before anything reads them (413).
 * Errors stay problem+json: xAPI does not say what an error body holds.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type HttpRequest, type HttpResult, httpHandler, type LmsHandler } from '../http/handler.ts';
import { badRequest, HttpProblem } from '../http/problem.ts';
import { headerOf } from '../http/request-context.ts';
import type { RouteDefinition } from '../http/route.ts';
import { admitRequest, authenticateSession, type CredentialDeps } from './credentials.ts';
import type { XapiDocument } from './ports.ts';
import { MAX_STATEMENT_BYTES, MAX_STATEMENTS_PER_BATCH } from './schemas.ts';
import type { LrsSession } from './session.ts';
import { isObject, type Statement } from './statement.ts';

export const XAPI_VERSION_HEADER = 'x-experience-api-version';

/** The versions this LRS speaks (`GET /xapi/about`), newest last. */
export const XAPI_VERSIONS = ['1.0.3', '2.0.0'] as const;
export type XapiVersion = (typeof XAPI_VERSIONS)[number];

/**
 * `httpHandler` for an xAPI route: the request's xAPI version reaches the action (400 without one, unless
 * `versionOptional`), and every response says which version answered.
 */
export function xapiHandler<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R> & { xapiVersion: XapiVersion }) => Promise<HttpResult>,
  options: { versionOptional?: boolean } = {},
): LmsHandler {
  const handler = httpHandler(route, async (request) => {
    const xapiVersion = xapiVersionOf(request.event);
    if (!xapiVersion && !options.versionOptional)
      throw badRequest('Send the X-Experience-API-Version header: 1.0.3 or 2.0.0.', [
        { path: `headers.${XAPI_VERSION_HEADER}`, message: 'required: 1.0.x or 2.0.x' },
      ]);
    return action({ ...request, xapiVersion: xapiVersion ?? '1.0.3' });
  });
  return async (event, context) => {
    const response = await handler(event, context);
    const answered = xapiVersionOf(event) ?? '1.0.3';
    return { ...response, headers: { ...response.headers, 'X-Experience-API-Version': answered } };
  };
}

/** 1.0.x is answered as 1.0.3, 2.0.x as 2.0.0; anything else is no version we speak. */
function xapiVersionOf(event: APIGatewayProxyEvent): XapiVersion | undefined {
  const value = headerOf(event, XAPI_VERSION_HEADER)?.trim() ?? '';
  if (/^1\.0(\.\d+)?$/.test(value)) return '1.0.3';
  if (/^2\.0(\.\d+)?$/.test(value)) return '2.0.0';
  return undefined;
}

/** The session of the request's auth-token, admitted by its rate limit; 401 or 429 otherwise. */
export async function lrsSession(deps: CredentialDeps, event: APIGatewayProxyEvent): Promise<LrsSession> {
  const session = await authenticateSession(deps, headerOf(event, 'authorization'));
  if (!session)
    throw new HttpProblem(401, 'Send the auth-token of a launch as Authorization: Basic <auth-token>.', [
      { path: 'headers.authorization', message: 'no valid auth-token of a current session' },
    ]);
  const retryAfter = await admitRequest(deps, session);
  if (retryAfter !== undefined)
    throw new HttpProblem(
      429,
      `This session sends too many requests; retry in ${retryAfter} s (batch statements to send more at once).`,
      [],
      {},
      { 'retry-after': String(retryAfter) },
    );
  return session;
}

/** The statements of a POST body (one, or an array of 1 to 50), each at most 64 KB as JSON; 413 beyond. */
export function statementsOf(body: unknown): Statement[] {
  const statements = Array.isArray(body) ? body : [body];
  if (body === undefined || statements.length === 0)
    throw badRequest('Send a statement or an array of statements.', [{ path: 'body', message: 'required' }]);
  if (statements.length > MAX_STATEMENTS_PER_BATCH)
    throw new HttpProblem(413, `Send at most ${MAX_STATEMENTS_PER_BATCH} statements per request.`, [
      { path: 'body', message: `${statements.length} statements; at most ${MAX_STATEMENTS_PER_BATCH}` },
    ]);
  statements.forEach((statement, index) => {
    const at = Array.isArray(body) ? `body.${index}` : 'body';
    if (!isObject(statement))
      throw badRequest('A statement is a JSON object.', [{ path: at, message: 'must be an object' }]);
    const bytes = Buffer.byteLength(JSON.stringify(statement));
    if (bytes > MAX_STATEMENT_BYTES)
      throw new HttpProblem(413, `A statement is at most ${MAX_STATEMENT_BYTES} bytes of JSON.`, [
        { path: at, message: `${bytes} bytes; at most ${MAX_STATEMENT_BYTES}` },
      ]);
  });
  return statements as Statement[];
}

/**
 * A document write's preconditions (xAPI §6.3): `If-Match` with a quoted ETag (or `*`), `If-None-Match: *`.
 * Anything else in them is a 400.
 */
export function writeConditions(event: APIGatewayProxyEvent): { ifMatch?: string; ifNoneMatch: boolean } {
  const ifMatch = etagHeader(event, 'if-match');
  const ifNoneMatch = etagHeader(event, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*')
    throw badRequest('If-None-Match takes only * (create only when absent).', [
      { path: 'headers.if-none-match', message: 'must be *' },
    ]);
  return { ...(ifMatch !== undefined ? { ifMatch } : {}), ifNoneMatch: ifNoneMatch === '*' };
}

function etagHeader(event: APIGatewayProxyEvent, name: 'if-match' | 'if-none-match'): string | undefined {
  const value = headerOf(event, name)?.trim();
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"([^"]{1,200})"$|^(\*)$/.exec(value);
  if (!match)
    throw badRequest(`${name} must be a quoted ETag (as the LRS sent it) or *.`, [
      { path: `headers.${name}`, message: 'a quoted ETag or *' },
    ]);
  return match[1] ?? match[2];
}

/** The request's content type as sent (`application/json; charset=utf-8`), or a generic binary one. */
export function contentTypeOf(event: APIGatewayProxyEvent): string {
  return headerOf(event, 'content-type')?.trim() || 'application/octet-stream';
}

/** A document as GET answers it: as stored, in its content type, with its ETag and modification time. */
export function documentResult(document: XapiDocument): HttpResult {
  return {
    body: document.content,
    headers: {
      'content-type': document.contentType,
      etag: `"${document.etag}"`,
      'last-modified': new Date(document.updated).toUTCString(),
    },
  };
}

/**
 * The `more` link of a statements page (xAPI §2.5: a relative URL with the full path, no scheme or host):
 * the same query with the next page's cursor, behind whatever stage prefix the API is served under.
 */
export function moreLink(event: APIGatewayProxyEvent, cursor: string): string {
  const path = event.requestContext?.path ?? event.path;
  const query = new URLSearchParams(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[0] !== 'cursor' && entry[1] !== undefined,
    ),
  );
  query.set('cursor', cursor);
  return `${path}?${query.toString()}`;
}

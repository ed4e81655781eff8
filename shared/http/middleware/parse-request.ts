/**
 * Parses and validates everything the client sent, against the route's schemas: content type, size, JSON,
 * path parameters, query string, body and If-Match. Every refusal names the field (`body.email`,
 * `query.limit`, `headers.if-match`) so a client can fix its request without guessing.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import { badRequest, type FieldError, HttpProblem } from '../problem.ts';
import { DEFAULT_MAX_BODY_BYTES, type RouteDefinition } from '../route.ts';
import { SCIM_CONTENT_TYPE } from '../scim-response.ts';
import type { LmsContext } from './lms-context.ts';

export function parseRequest(
  route: RouteDefinition,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const maxBodyBytes = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before: async (request) => {
      const { event } = request;
      const headers = lowerCaseKeys(event.headers);
      const body = readBody(event, headers, route, maxBodyBytes);
      const errors: FieldError[] = [];
      const params = validate('params', route.request.params, event.pathParameters ?? {}, errors);
      const query = validate('query', route.request.query, readQuery(event, errors), errors);
      const parsedBody = route.request.body ? validate('body', route.request.body, body, errors) : undefined;
      const ifMatch = readIfMatch(route, headers['if-match'], errors);
      const idempotencyKey = readIdempotencyKey(route, headers['idempotency-key'], errors);
      if (errors.length > 0) throw badRequest(summarise(errors), errors);
      if (route.request.ifMatch === 'required' && ifMatch === undefined) {
        throw new HttpProblem(
          428,
          'Send If-Match with the ETag of the version you read, so no change is lost.',
          [{ path: 'headers.if-match', message: 'required' }],
        );
      }
      (request.context as LmsContext).input = { params, query, body: parsedBody, ifMatch, idempotencyKey };
    },
  };
}

function readBody(
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
  route: RouteDefinition,
  maxBodyBytes: number,
): unknown {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw) > maxBodyBytes) {
    throw new HttpProblem(413, `The body is larger than ${maxBodyBytes} bytes.`, [
      { path: 'body', message: `at most ${maxBodyBytes} bytes` },
    ]);
  }
  if (route.rawBody) return raw;
  if (!route.request.body) {
    if (raw.trim() !== '' && raw.trim() !== '{}') {
      throw badRequest('This route takes no body.', [{ path: 'body', message: 'must be empty' }]);
    }
    return undefined;
  }
  // A body the route marks optional may be left out altogether (POST /imports/{id}/apply with no approval).
  if (raw.trim() === '' && route.request.body.safeParse(undefined).success) return undefined;
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  // SCIM clients send application/scim+json (RFC 7644 §3.1); some send application/json.
  const accepted = route.protocol === 'scim' ? [SCIM_CONTENT_TYPE, 'application/json'] : ['application/json'];
  if (!accepted.includes(contentType)) {
    const wanted = accepted.join(' or ');
    throw new HttpProblem(415, `Send the body as ${wanted} (got ${contentType || 'no content type'}).`, [
      { path: 'headers.content-type', message: `must be ${wanted}` },
    ]);
  }
  if (raw.trim() === '')
    throw badRequest('The body is empty; send a JSON object.', [{ path: 'body', message: 'required' }]);
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest('The body is not valid JSON.', [{ path: 'body', message: (error as Error).message }]);
  }
}

function readQuery(event: APIGatewayProxyEvent, errors: FieldError[]): Record<string, string> {
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 1)
      errors.push({ path: `query.${name}`, message: 'give this parameter once' });
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

function validate(
  part: 'params' | 'query' | 'body',
  schema: z.ZodType | undefined,
  value: unknown,
  errors: FieldError[],
) {
  if (!schema) {
    const names = value && typeof value === 'object' ? Object.keys(value) : [];
    for (const name of names)
      errors.push({ path: `${part}.${name}`, message: 'not a parameter of this route' });
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const keys =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const path of keys) {
      errors.push({
        path: [part, ...path.map(String)].join('.'),
        message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
      });
    }
  }
  return undefined;
}

/** We issue strong ETags of the form "<version>"; W/ prefixes are tolerated, anything else is refused. */
function readIfMatch(
  route: RouteDefinition,
  header: string | undefined,
  errors: FieldError[],
): number | undefined {
  if (header === undefined) return undefined;
  if (!route.request.ifMatch) return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match?.[1]) {
    errors.push({ path: 'headers.if-match', message: 'must be an ETag this API issued, like "3"' });
    return undefined;
  }
  return Number(match[1]);
}

/** Keys are opaque to us; a UUID is typical. Printable ASCII keeps them safe in logs and keys. */
function readIdempotencyKey(
  route: RouteDefinition,
  header: string | undefined,
  errors: FieldError[],
): string | undefined {
  if (header === undefined || !route.request.idempotent) return undefined;
  if (!/^[\x21-\x7e]{8,255}$/.test(header)) {
    errors.push({
      path: 'headers.idempotency-key',
      message: '8 to 255 printable characters, for example a UUID',
    });
    return undefined;
  }
  return header;
}

function lowerCaseKeys(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

function summarise(errors: FieldError[]): string {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return first ? `Invalid ${first.path}: ${first.message}${more}.` : 'Invalid request.';
}

import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConflictError, StaleVersionError } from '../../shared/domain/errors.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { defineRoute } from '../../shared/http/route.ts';

const Widget = z.object({ id: z.string(), name: z.string() });
const route = defineRoute({
  id: 'updateWidget',
  method: 'PATCH',
  path: '/widgets/{id}',
  handler: 'unused.ts',
  summary: 'test route',
  tag: 'Test',
  access: { roles: ['admin'] },
  request: {
    params: z.strictObject({ id: z.uuid() }),
    query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
    body: z.strictObject({ name: z.string().min(1).max(10) }),
    ifMatch: 'required',
  },
  response: { status: 200, description: 'ok', body: Widget },
  needs: {},
  maxBodyBytes: 200,
});

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const context = {
  awsRequestId: 'aws-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function event(
  overrides: Partial<APIGatewayProxyEvent> & { groups?: string | null } = {},
): APIGatewayProxyEvent {
  const { groups = 'admin', ...rest } = overrides;
  return {
    httpMethod: 'PATCH',
    path: `/widgets/${ID}`,
    resource: '/widgets/{id}',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"3"' },
    multiValueHeaders: {},
    pathParameters: { id: ID },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: JSON.stringify({ name: 'Ada' }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      authorizer:
        groups === null
          ? null
          : {
              principalId: 'u1',
              principal: 'person',
              sub: 'u1',
              email: 'a@example.com',
              'cognito:groups': groups,
              lms_user_id: 'p1',
              lms_access: 'active',
            },
    } as unknown as APIGatewayProxyEvent['requestContext'],
    ...rest,
  };
}

const handler = httpHandler(route, async ({ params, body, ifMatch }) => {
  if (body.name === 'dup')
    throw new ConflictError('Another widget is called dup.', [{ path: 'body.name', message: 'taken' }]);
  if (body.name === 'stale') throw new StaleVersionError('widget', params.id, ifMatch, 4);
  if (body.name === 'boom') throw new Error('database password is hunter2');
  return { body: { id: params.id, name: body.name, secretKey: 'pk#1' }, version: ifMatch + 1 };
});

async function call(e: APIGatewayProxyEvent) {
  const result = await handler(e, context);
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('the HTTP middleware stack', () => {
  it('passes typed, validated input to the action and returns the validated body with an ETag', async () => {
    // Act
    const response = await call(event());
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.etag).toBe('"4"');
    expect(response.json).toEqual({ id: ID, name: 'Ada' });
    expect(
      response.headers?.['Access-Control-Allow-Origin'] ?? response.headers?.['access-control-allow-origin'],
    ).toBe('*');
  });

  describe('CORS, from the origins CDK sets (CORS_ALLOWED_ORIGINS)', () => {
    afterEach(() => vi.unstubAllEnvs());
    const allowOrigin = (response: { headers?: Record<string, unknown> }) =>
      response.headers?.['Access-Control-Allow-Origin'] ?? response.headers?.['access-control-allow-origin'];

    it('echoes a listed origin, and allows no other', async () => {
      // Prepare: a function deployed with two origins
      vi.stubEnv('CORS_ALLOWED_ORIGINS', 'https://admin.example.com, https://lms.example.com');
      const deployed = httpHandler(route, async ({ params }) => ({ body: { id: params.id, name: 'Ada' } }));
      const from = (origin: string) => deployed(event({ headers: { ...event().headers, origin } }), context);

      // Act
      const listed = await from('https://lms.example.com');
      const other = await from('https://evil.example.com');

      // Assess
      expect(listed.statusCode).toBe(200);
      expect(allowOrigin(listed)).toBe('https://lms.example.com');
      expect(allowOrigin(other)).toBeUndefined();
    });

    it('allows any origin when none is set (bearer tokens, no cookies)', async () => {
      // Act
      const response = await handler(
        event({ headers: { ...event().headers, origin: 'https://x.example' } }),
        context,
      );

      // Assess
      expect(allowOrigin(response)).toBe('*');
    });
  });

  it('answers 401 problem+json to an anonymous caller, before looking at the input', async () => {
    const response = await call(event({ groups: null, body: '{not json' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 401, title: 'Unauthorized', requestId: 'req-1' });
  });

  it('answers 401 to a token past its expiry that an API Gateway cache still let through', async () => {
    // Prepare: the authorizer's cached context of an admin token that expired a minute ago
    const expired = event();
    const context = expired.requestContext.authorizer as Record<string, string>;
    context.exp = String(Math.floor(Date.now() / 1000) - 60);

    // Act
    const response = await call(expired);
    const fresh = event();
    (fresh.requestContext.authorizer as Record<string, string>).exp = String(
      Math.floor(Date.now() / 1000) + 60,
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.json.detail).toContain('expired');
    expect((await call(fresh)).statusCode).toBe(200);
  });

  it.each([
    ['unlinked', 'is not linked to an LMS profile'],
    ['suspended', 'suspended'],
    [undefined, 'is not linked to an LMS profile'],
  ])('answers 403 to an admin whose login is %s, whatever the token says', async (access, reason) => {
    // Prepare: the authorizer found no active profile behind this admin login
    const request = event();
    const context = request.requestContext.authorizer as Record<string, string | undefined>;
    context.lms_access = access;
    if (access !== 'suspended') delete context.lms_user_id;

    // Act
    const response = await call(request);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.json.detail).toContain(reason);
  });

  it('answers 403 to a role the manifest does not name', async () => {
    const response = await call(event({ groups: 'learner' }));
    expect(response.statusCode).toBe(403);
    expect(response.json.detail).toContain('admin');
  });

  it.each([
    ['malformed JSON', { body: '{"name":' }, 400, 'body'],
    ['an unknown field', { body: '{"name":"a","admin":true}' }, 400, 'body.admin'],
    ['a wrong type', { body: '{"name":5}' }, 400, 'body.name'],
    ['an oversize string', { body: '{"name":"abcdefghijkl"}' }, 400, 'body.name'],
    ['a bad path parameter', { pathParameters: { id: 'not-a-uuid' } }, 400, 'params.id'],
    ['an unknown query parameter', { queryStringParameters: { sort: 'x' } }, 400, 'query.sort'],
    [
      'a repeated query parameter',
      {
        queryStringParameters: { dryRun: 'true' },
        multiValueQueryStringParameters: { dryRun: ['true', 'false'] },
      },
      400,
      'query.dryRun',
    ],
    ['a body over the limit', { body: JSON.stringify({ name: 'x'.repeat(300) }) }, 413, 'body'],
    [
      'the wrong content type',
      { headers: { 'content-type': 'text/plain', 'if-match': '"3"' } },
      415,
      'headers.content-type',
    ],
    [
      'a malformed If-Match',
      { headers: { 'content-type': 'application/json', 'if-match': 'v3' } },
      400,
      'headers.if-match',
    ],
    ['a missing If-Match', { headers: { 'content-type': 'application/json' } }, 428, 'headers.if-match'],
  ] as const)('refuses %s with a problem naming the field', async (_name, overrides, status, path) => {
    // Act
    const response = await call(event(overrides as Partial<APIGatewayProxyEvent>));
    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('maps domain errors to their statuses', async () => {
    expect((await call(event({ body: '{"name":"dup"}' }))).statusCode).toBe(409);
    expect((await call(event({ body: '{"name":"stale"}' }))).statusCode).toBe(412);
  });

  it('answers an unexpected error with 500 and the request id, never the message or stack', async () => {
    const response = await call(event({ body: '{"name":"boom"}' }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('at ');
    expect(response.json.requestId).toBe('req-1');
  });

  it('decodes base64 bodies as API Gateway sends binary-safe payloads', async () => {
    const response = await call(
      event({ body: Buffer.from('{"name":"Bo"}').toString('base64'), isBase64Encoded: true }),
    );
    expect(response.json).toEqual({ id: ID, name: 'Bo' });
  });
});

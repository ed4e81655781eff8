/**
 * The middy stack on a route that speaks SCIM (`protocol: 'scim'`): bodies in application/scim+json or
 * application/json, every refusal as a SCIM error body (RFC 7644 §3.12) in application/scim+json, never
 * problem+json, and the version as a weak ETag.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  StaleVersionError,
  UniquenessError,
} from '../../../shared/domain/errors.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { scimBaseUrl } from '../../../shared/http/scim-response.ts';
import { ScimError } from '../../../shared/scim/errors.ts';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const route = defineRoute({
  id: 'replaceWidget',
  method: 'PUT',
  path: '/scim/v2/Widgets/{id}',
  handler: 'unused.ts',
  summary: 'test route',
  tag: 'Test',
  access: { roles: [], scopes: ['lms/scim'] },
  request: {
    params: z.strictObject({ id: z.uuid() }),
    query: z.strictObject({ attributes: z.string().optional() }),
    body: z.record(z.string(), z.unknown()),
    ifMatch: 'optional',
  },
  response: { status: 200, description: 'ok', body: z.record(z.string(), z.unknown()) },
  needs: {},
  maxBodyBytes: 200,
  protocol: 'scim',
});

const handler = httpHandler(route, async ({ params, body }) => {
  const refusals: Record<string, Error> = {
    taken: new UniquenessError('The email a@example.com is already in use.', [
      { path: 'body.email', message: 'already in use' },
    ]),
    last: new ConflictError('The user x is the last active administrator.'),
    stale: new StaleVersionError('user', params.id, 2, 3),
    gone: new NotFoundError('user', params.id),
    manager: new BusinessRuleError('No user with id y to be the manager.'),
    filter: new ScimError(400, 'invalidFilter', 'Unknown attribute "nickName" at character 1.'),
    boom: new Error('database password is hunter2'),
  };
  const refusal = refusals[String(body.say)];
  if (refusal) throw refusal;
  return { body: { id: params.id, ...body }, version: 3 };
});

const context = { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(overrides: Partial<APIGatewayProxyEvent> = {}, scopes = 'lms/scim'): APIGatewayProxyEvent {
  return {
    httpMethod: 'PUT',
    path: `/scim/v2/Widgets/${ID}`,
    resource: '/scim/v2/Widgets/{id}',
    headers: { 'Content-Type': 'application/scim+json; charset=utf-8' },
    multiValueHeaders: {},
    pathParameters: { id: ID },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: JSON.stringify({ say: 'hello' }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      authorizer: { principalId: 'c1', principal: 'client', client_id: 'scim-token:t1', scope: scopes },
    } as unknown as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

async function call(request: APIGatewayProxyEvent) {
  const result = await handler(request, context);
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

describe('a SCIM route through the HTTP stack', () => {
  it('takes application/scim+json and application/json, and answers application/scim+json with a weak ETag', async () => {
    // Act
    const scim = await call(event());
    const json = await call(event({ headers: { 'content-type': 'application/json' } }));

    // Assess
    expect(scim.statusCode).toBe(200);
    expect(scim.headers?.['content-type']).toBe('application/scim+json');
    expect(scim.headers?.etag).toBe('W/"3"');
    expect(scim.json).toEqual({ id: ID, say: 'hello' });
    expect(json.statusCode).toBe(200);
  });

  it.each([
    [
      'malformed JSON',
      { body: '{"say":' },
      { status: '400', scimType: 'invalidSyntax' },
      /^The body is not valid JSON\. body: /,
    ],
    [
      'a body that is not an object',
      { body: '[1,2]' },
      { status: '400', scimType: 'invalidSyntax' },
      /^Invalid body: /,
    ],
    [
      'a query parameter the route does not take',
      { queryStringParameters: { sortBy: 'userName' } },
      { status: '400', scimType: 'invalidValue' },
      /query\.sortBy: unknown field/,
    ],
    [
      'a body over the route limit',
      { body: JSON.stringify({ say: 'x'.repeat(300) }) },
      { status: '413' },
      /larger than 200 bytes/,
    ],
    [
      'another content type',
      { headers: { 'content-type': 'text/plain' } },
      { status: '415' },
      /application\/scim\+json or application\/json/,
    ],
    [
      'a malformed If-Match',
      { headers: { 'content-type': 'application/scim+json', 'if-match': 'v3' } },
      { status: '400', scimType: 'invalidValue' },
      /headers\.if-match/,
    ],
    ['a missing token', { requestContext: { requestId: 'req-1' } }, { status: '401' }, /bearer token/],
  ] as const)('refuses %s with a SCIM error body', async (_name, overrides, expected, detail) => {
    // Act
    const response = await call(event(overrides as Partial<APIGatewayProxyEvent>));

    // Assess
    expect(response.statusCode).toBe(Number(expected.status));
    expect(response.headers?.['content-type']).toBe('application/scim+json');
    expect(response.json).toEqual({ schemas: [ERROR], ...expected, detail: expect.stringMatching(detail) });
  });

  it('refuses a machine client without the lms/scim scope with 403', async () => {
    const response = await call(event({}, 'lms/users.write'));
    expect(response.statusCode).toBe(403);
    expect(response.json).toEqual({
      schemas: [ERROR],
      status: '403',
      detail: 'This needs one of the scopes lms/scim; the token has lms/users.write.',
    });
  });

  it.each([
    ['a uniqueness claim', 'taken', 409, 'uniqueness', 'The email a@example.com is already in use.'],
    ['another conflict', 'last', 409, undefined, 'The user x is the last active administrator.'],
    [
      'a stale version',
      'stale',
      412,
      undefined,
      `The user ${ID} is at version 3, not 2; read it again and retry with its ETag.`,
    ],
    ['a missing resource', 'gone', 404, undefined, `No user with id ${ID}.`],
    ['a broken business rule', 'manager', 400, 'invalidValue', 'No user with id y to be the manager.'],
    ['a SCIM error', 'filter', 400, 'invalidFilter', 'Unknown attribute "nickName" at character 1.'],
  ])('answers %s as its SCIM error', async (_name, say, status, scimType, detail) => {
    const response = await call(event({ body: JSON.stringify({ say }) }));
    expect(response.statusCode).toBe(status);
    expect(response.json).toEqual({
      schemas: [ERROR],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail,
    });
  });

  it('answers an unexpected error with 500 and the request id, never the message', async () => {
    const response = await call(event({ body: JSON.stringify({ say: 'boom' }) }));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.json).toEqual({
      schemas: [ERROR],
      status: '500',
      detail: 'Something went wrong on our side. Quote the request id when reporting it. Request id: req-1.',
    });
  });
});

describe('scimBaseUrl', () => {
  it('is /scim/v2 as the client called it: scheme, host and the stage API Gateway put before the path', () => {
    const aws = event({
      headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com', 'X-Forwarded-Proto': 'https' },
      requestContext: { path: `/prod/scim/v2/Widgets/${ID}` } as APIGatewayProxyEvent['requestContext'],
    });
    const local = event({
      headers: { host: 'localhost:3000' },
      requestContext: { path: `/scim/v2/Widgets/${ID}` } as APIGatewayProxyEvent['requestContext'],
    });
    expect(scimBaseUrl(aws)).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/scim/v2');
    expect(scimBaseUrl(local)).toBe('http://localhost:3000/scim/v2');
  });
});

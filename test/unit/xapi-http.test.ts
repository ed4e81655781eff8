/**
 * The LRS's HTTP conventions on the one middy stack: the version header (required, answered on every
 * response, errors included), bodies taken raw (any content type) and answered raw, a refusal's own headers
 * (429's Retry-After), statement batch limits (413), preconditions and the `more` link.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { HttpProblem } from '../../shared/http/problem.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { moreLink, statementsOf, writeConditions, xapiHandler } from '../../shared/xapi/http.ts';

const route = defineRoute({
  id: 'putDocument',
  method: 'PUT',
  path: '/xapi/documents',
  handler: 'unused.ts',
  summary: 'test route',
  tag: 'Test',
  access: { public: true },
  request: { query: z.strictObject({ activityId: z.string(), cursor: z.string() }), body: z.string() },
  response: { status: 200, description: 'ok' },
  needs: {},
  maxBodyBytes: 100,
  rawBody: true,
});

const context = {
  awsRequestId: 'aws-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function event(headers: Record<string, string>, body: string | null = null): APIGatewayProxyEvent {
  return {
    httpMethod: 'PUT',
    path: '/xapi/documents',
    resource: '/xapi/documents',
    headers,
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: { activityId: 'https://example.com/a', cursor: 'old' },
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      path: '/prod/xapi/statements',
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** Echoes the raw body back in the content type it came in. */
const echo = xapiHandler(route, async ({ body, event: request, xapiVersion }) => ({
  body: `${xapiVersion}:${body}`,
  headers: { 'content-type': request.headers['Content-Type'] ?? 'text/plain' },
}));

describe('xapiHandler', () => {
  it('takes a body of any type as received and answers a string body as is, with the version', async () => {
    const response = await echo(
      event({ 'Content-Type': 'text/csv', 'X-Experience-API-Version': '1.0.1' }, 'a,b\n1,2'),
      context,
    );
    expect(response).toMatchObject({
      statusCode: 200,
      body: '1.0.3:a,b\n1,2',
      headers: { 'content-type': 'text/csv', 'X-Experience-API-Version': '1.0.3' },
    });
  });

  it('answers 2.0.0 to a 2.0 request', async () => {
    const response = await echo(event({ 'x-experience-api-version': '2.0.0' }, '{}'), context);
    expect(response.headers?.['X-Experience-API-Version']).toBe('2.0.0');
    expect(response.body).toBe('2.0.0:{}');
  });

  it.each([[{}], [{ 'X-Experience-API-Version': '0.95' }]])(
    'refuses %j without a version it speaks: 400 naming the header, still answering its version',
    async (headers) => {
      const response = await echo(event(headers, 'x'), context);
      expect(response.statusCode).toBe(400);
      expect(response.headers?.['X-Experience-API-Version']).toBe('1.0.3');
      expect(JSON.parse(response.body).errors).toEqual([
        { path: 'headers.x-experience-api-version', message: 'required: 1.0.x or 2.0.x' },
      ]);
    },
  );

  it('refuses a body over the route limit with 413, raw or not', async () => {
    const response = await echo(event({ 'X-Experience-API-Version': '1.0.3' }, 'x'.repeat(101)), context);
    expect(response.statusCode).toBe(413);
  });

  it("sends a refusal's own headers (429 Retry-After) with its problem", async () => {
    const throttled = xapiHandler(route, async () => {
      throw new HttpProblem(429, 'Too many.', [], {}, { 'retry-after': '7' });
    });
    const response = await throttled(event({ 'X-Experience-API-Version': '1.0.3' }, 'x'), context);
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'retry-after': '7',
      'content-type': 'application/problem+json',
    });
  });
});

describe('statement bodies', () => {
  const statement = {
    actor: { mbox: 'mailto:a@example.com' },
    verb: { id: 'http://v' },
    object: { id: 'http://o' },
  };

  it('takes one statement or a batch of up to 50', () => {
    expect(statementsOf(statement)).toEqual([statement]);
    expect(statementsOf(Array(50).fill(statement))).toHaveLength(50);
  });

  it.each<[string, unknown, number, { path: string; message: string }]>([
    ['51 statements', Array(51).fill(statement), 413, { path: 'body', message: '51 statements; at most 50' }],
    [
      'a statement over 64 KB',
      [statement, { ...statement, extra: 'x'.repeat(65_536) }],
      413,
      { path: 'body.1', message: '65640 bytes; at most 65536' },
    ],
    ['an empty batch', [], 400, { path: 'body', message: 'required' }],
    ['a number', [3], 400, { path: 'body.0', message: 'must be an object' }],
  ])('refuses %s', (_case, body, status, error) => {
    try {
      statementsOf(body);
      expect.unreachable();
    } catch (refusal) {
      expect((refusal as HttpProblem).status).toBe(status);
      expect((refusal as HttpProblem).errors).toEqual([error]);
    }
  });
});

describe('preconditions and links', () => {
  it('reads If-Match and If-None-Match: *, refusing anything else', () => {
    expect(writeConditions(event({ 'If-Match': '"abc"' }))).toEqual({ ifMatch: 'abc', ifNoneMatch: false });
    expect(writeConditions(event({ 'if-none-match': '*' }))).toEqual({ ifNoneMatch: true });
    expect(() => writeConditions(event({ 'If-Match': 'abc' }))).toThrow('if-match must be a quoted ETag');
    expect(() => writeConditions(event({ 'If-None-Match': '"abc"' }))).toThrow('If-None-Match takes only *');
  });

  it('builds the more link from the full path (stage included) and the same query with the new cursor', () => {
    expect(moreLink(event({}), 'next')).toBe(
      '/prod/xapi/statements?activityId=https%3A%2F%2Fexample.com%2Fa&cursor=next',
    );
  });
});

/**
 * GET /users/{id}: the whole handler (middy stack, validation, use case, response schema) invoked in-process
 * against DynamoDB Local, against a raw GetItem of the same item through the same client, interleaved in the
 * same run so machine noise hits both. Reported: the median over rounds of p50(handler) / p50(raw).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { keys } from '../../shared/store/keys.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createUser } from '../../shared/use-cases/users.ts';
import { type Figure, interleavedP50Ratio } from './figures.ts';

const ROUNDS = 5;
const PER_ROUND = 200;
const WARMUP = 100;

export async function benchGetUser(): Promise<Figure[]> {
  const admin = systemActor('bench', 'bench', ['admin']);
  const user = await createUser(organisationPorts(), admin, {
    email: `bench.${randomUUID().slice(0, 8)}@example.com`,
    givenName: 'Bench',
    familyName: 'Mark',
  });
  const { handler } = await import('../../functions/users/get-user.ts');
  const tableName = requireSetting('tableName');
  const client = dynamoDb();
  const event = {
    httpMethod: 'GET',
    path: `/users/${user.id}`,
    resource: '/users/{id}',
    headers: {},
    multiValueHeaders: {},
    pathParameters: { id: user.id },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'bench',
      // What the request authorizer answers for an admin whose login is linked to an active profile.
      authorizer: {
        principalId: 'bench',
        principal: 'person',
        sub: 'bench',
        'cognito:groups': 'admin',
        lms_user_id: user.id,
        lms_access: 'active',
      },
    },
  } as unknown as APIGatewayProxyEvent;
  const context = {
    awsRequestId: 'bench',
    functionName: 'bench',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;

  const viaHandler = async () => {
    const response = await handler(event, context);
    if (response.statusCode !== 200)
      throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };
  const raw = async () => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.user(user.id) }));
    if (!Item) throw new Error('raw GetItem found nothing');
    JSON.stringify(Item);
  };

  const measured = await interleavedP50Ratio(viaHandler, raw, {
    warmup: WARMUP,
    rounds: ROUNDS,
    perRound: PER_ROUND,
  });
  return [
    {
      id: 'get-user.p50.ratio',
      value: measured.ratio,
      unit: 'x',
      op: '<=',
      target: 1.3,
      note: `GET /users/{id} handler in-process vs raw GetItem, p50 of ${PER_ROUND} interleaved calls, median of ${ROUNDS} rounds (handler p50 ${measured.handlerP50.toFixed(2)} ms, raw ${measured.rawP50.toFixed(2)} ms)`,
    },
  ];
}

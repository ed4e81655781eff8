/**
 * SCIM POST /Users: the whole handler (middy stack, the body read against the schemas, the person mapped,
 * createUser's transaction, the SCIM resource rendered) invoked in-process against DynamoDB Local with Okta's
 * create body, against a raw TransactWriteItems of the same items through the same client: the profile, its
 * userName, email and external-id claims, and the audit record. Interleaved in the same run so machine noise
 * hits both. Reported: the median over rounds of p50(handler) / p50(raw).
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { keys } from '../../shared/store/keys.ts';
import { type Figure, interleavedP50Ratio } from './figures.ts';

const ROUNDS = 5;
const PER_ROUND = 100;
const WARMUP = 50;

/** Okta's POST /Users body (its SCIM 2.0 reference), for a new person each time. */
function oktaBody(n: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `bench.${n}@okta.local`,
    name: { givenName: 'Bench', familyName: 'Mark' },
    emails: [{ primary: true, value: `bench.${n}@okta.local`, type: 'work' }],
    displayName: 'Bench Mark',
    locale: 'en-US',
    externalId: `00u${n}`,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

/** The items the handler's transaction writes for that body, written out. */
function sameItems(tableName: string, n: string) {
  const id = randomUUID();
  const email = `bench.${n}@okta.local`;
  const at = new Date().toISOString();
  const user = {
    id,
    email,
    givenName: 'Bench',
    familyName: 'Mark',
    departmentId: null,
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: `00u${n}`,
    hireDate: null,
    customAttributes: {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: {
      userName: email,
      displayName: 'Bench Mark',
      department: null,
      provisionedAt: at,
      updatedAt: at,
      updatedBy: 'client:bench',
      deletedAt: null,
    },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const putNew = (Item: Record<string, unknown>) => ({
    Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  const claim = (kind: 'scimUserName' | 'email' | 'externalId', value: string) =>
    putNew({ ...keys.unique(kind, value), entity: 'claim', ownerId: id });
  const auditId = randomUUID();
  return [
    putNew({ ...keys.user(id), ...keys.usersByEmail(email), entity: 'user', ...user }),
    claim('scimUserName', email),
    claim('email', email),
    claim('externalId', `00u${n}`),
    putNew({
      ...keys.audit(`user:${id}`, at, auditId),
      entity: 'audit',
      id: auditId,
      at,
      action: 'user.created',
      target: `user:${id}`,
      actor: { sub: 'client:bench', userId: null, email: null, roles: [] },
      requestId: 'bench',
      before: null,
      after: user,
    }),
  ];
}

export async function benchScimCreateUser(): Promise<Figure[]> {
  const { handler } = await import('../../functions/scim/create-scim-user.ts');
  const tableName = requireSetting('tableName');
  const client = dynamoDb();
  const event = (n: string) =>
    ({
      httpMethod: 'POST',
      path: '/scim/v2/Users',
      resource: '/scim/v2/Users',
      headers: { 'content-type': 'application/scim+json; charset=utf-8', host: 'localhost' },
      multiValueHeaders: {},
      pathParameters: null,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      body: JSON.stringify(oktaBody(n)),
      isBase64Encoded: false,
      requestContext: {
        requestId: 'bench',
        path: '/scim/v2/Users',
        // What the request authorizer answers for a SCIM token (or a machine client holding lms/scim).
        authorizer: {
          principalId: 'bench',
          principal: 'client',
          client_id: 'scim-token:bench',
          scope: 'lms/scim',
        },
      },
    }) as unknown as APIGatewayProxyEvent;
  const context = {
    awsRequestId: 'bench',
    functionName: 'bench',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;

  const viaHandler = async () => {
    const response = await handler(event(randomUUID().slice(0, 13)), context);
    if (response.statusCode !== 201)
      throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };
  const raw = async () => {
    await client.send(
      new TransactWriteCommand({ TransactItems: sameItems(tableName, randomUUID().slice(0, 13)) }),
    );
  };

  const measured = await interleavedP50Ratio(viaHandler, raw, {
    warmup: WARMUP,
    rounds: ROUNDS,
    perRound: PER_ROUND,
  });
  return [
    {
      id: 'scim.create-user.p50.ratio',
      value: measured.ratio,
      unit: 'x',
      op: '<=',
      target: 1.5,
      note: `SCIM POST /Users handler in-process with Okta's body vs a raw TransactWriteItems of the same five items (profile, userName, email and external-id claims, audit record), p50 of ${PER_ROUND} interleaved calls, median of ${ROUNDS} rounds (handler p50 ${measured.handlerP50.toFixed(2)} ms, raw ${measured.rawP50.toFixed(2)} ms)`,
    },
  ];
}

/**
 * The local stack itself: the emulators started by test/global-setup.ts, the resources created in them, the
 * handler environment, Cognito users, sign-in and the ID token check the local gateway relies on.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  AdminListGroupsForUserCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  CognitoJwtInvalidTokenUseError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureError,
} from 'aws-jwt-verify/error';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createIdTokenVerifier, ensureCognitoUser, signIn } from '../../infra/local/cognito.ts';
import { startEmulators } from '../../infra/local/emulators.ts';
import {
  createLocalClients,
  ensureAppClient,
  ensureResources,
  LOCAL_AUTH_ENV,
  LOCAL_NAMES,
  type LocalClients,
  readLocalEnvironment,
} from '../../infra/local/resources.ts';
import { dynamoDb, s3Client } from '../../shared/clients.ts';
import { ROLES } from '../../shared/domain/principal.ts';
import { BUCKETS } from '../../shared/http/route.ts';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-schema.ts';

const { endpoints, resources } = readLocalEnvironment();
const PASSWORD = 'Local-Passw0rd-123';

let clients: LocalClients;

beforeAll(() => {
  clients = createLocalClients(endpoints);
});

afterAll(() => {
  clients.destroy();
});

/** The payload of a JWT, not verified. */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A token signed with cognito-local's real private key (shipped in the package), with any claims. */
function forgeToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const require = createRequire(import.meta.url);
  const keyFile = require.resolve('cognito-local/lib/keys/cognitoLocal.private.json');
  const { pem } = JSON.parse(readFileSync(keyFile, 'utf8')) as { pem: string };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT', ...header })}.${encode(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(pem).toString('base64url')}`;
}

describe('the handler environment', () => {
  it('points handlers at the emulators and names every resource', () => {
    // Prepare
    const env = inject('localEnv');

    // Act
    const applied = readLocalEnvironment(process.env);

    // Assess
    expect(applied).toEqual(readLocalEnvironment(env));
    expect(env.STAGE).toBe('local');
    // No CloudWatch here: business metrics are not printed (shared/metrics.ts)
    expect(env.POWERTOOLS_METRICS_DISABLED).toBe('true');
    expect(env[LOCAL_AUTH_ENV.issuer]).toBe(`${endpoints.cognito}/${resources.userPoolId}`);
    expect(env[LOCAL_AUTH_ENV.jwksUri]).toBe(
      `${endpoints.cognito}/${resources.userPoolId}/.well-known/jwks.json`,
    );
    for (const url of Object.values(endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('DynamoDB Local', () => {
  it('has the single table with the shared key schema, both GSIs and TTL', async () => {
    // Prepare
    const input = { TableName: resources.tableName };

    // Act
    const { Table: table } = await clients.dynamodb.send(new DescribeTableCommand(input));
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand(input));

    // Assess
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = (table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema?.map((key) => key.AttributeName),
      projection: index.Projection?.ProjectionType,
      status: index.IndexStatus,
    }));
    expect(indexes).toEqual(
      expect.arrayContaining(
        TABLE_INDEXES.map((index) => ({
          name: index.indexName,
          keys: [index.partitionKey, index.sortKey],
          projection: 'ALL',
          status: 'ACTIVE',
        })),
      ),
    );
    expect(indexes).toHaveLength(TABLE_INDEXES.length);
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
  });

  it("serves the handlers' document client: put, get and query a GSI", async () => {
    // Prepare
    const item = {
      pk: 'TEST#local-stack',
      sk: 'ITEM#1',
      gsi1pk: 'TEST#gsi',
      gsi1sk: 'ITEM#1',
      name: 'probe',
    };

    // Act
    await dynamoDb().send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: item }));
    const got = await dynamoDb().send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: item.pk, sk: item.sk } }),
    );
    const queried = await dynamoDb().send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': item.gsi1pk },
      }),
    );

    // Assess
    expect(got.Item).toEqual(item);
    expect(queried.Items).toEqual([item]);
  });
});

describe('S3 emulator', () => {
  it('has one bucket per BUCKETS entry', async () => {
    // Prepare
    const expected = BUCKETS.map((bucket) => resources.buckets[bucket]);

    // Act
    const listed = (await clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((bucket) => bucket.Name);
    const heads = await Promise.all(
      expected.map((Bucket) => clients.s3.send(new HeadBucketCommand({ Bucket }))),
    );

    // Assess
    expect(listed).toEqual(expect.arrayContaining(expected));
    expect(heads.map((head) => head.$metadata.httpStatusCode)).toEqual(expected.map(() => 200));
  });

  it("stores and returns objects through the handlers' client, buffered or streamed", async () => {
    // Prepare
    const Bucket = process.env.UPLOADS_BUCKET_NAME;
    const text = 'Hello, local S3 — ünïcode ✓';

    // Act
    await s3Client().send(new PutObjectCommand({ Bucket, Key: 'probe/buffer.txt', Body: Buffer.from(text) }));
    await s3Client().send(
      new PutObjectCommand({
        Bucket,
        Key: 'probe/stream.txt',
        Body: Readable.from([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]),
        ContentLength: Buffer.byteLength(text),
      }),
    );
    const buffered = await s3Client().send(new GetObjectCommand({ Bucket, Key: 'probe/buffer.txt' }));
    const streamed = await s3Client().send(new GetObjectCommand({ Bucket, Key: 'probe/stream.txt' }));

    // Assess: a streamed upload is not stored with aws-chunked framing (AWS_REQUEST_CHECKSUM_CALCULATION).
    expect(await buffered.Body?.transformToString()).toBe(text);
    expect(await streamed.Body?.transformToString()).toBe(text);
  });
});

describe('ensureResources', () => {
  it('is idempotent: a second run finds the same table, buckets, pool, groups and client', async () => {
    // Prepare
    const before = resources;

    // Act
    const again = await ensureResources(endpoints);
    const pools = await clients.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const groups = await clients.cognito.send(new ListGroupsCommand({ UserPoolId: again.userPoolId }));

    // Assess
    expect(again).toEqual(before);
    expect(pools.UserPools?.filter((pool) => pool.Name === LOCAL_NAMES.userPool)).toHaveLength(1);
    expect(groups.Groups?.map((group) => group.GroupName).sort()).toEqual([...ROLES].sort());
  });
});

describe('Cognito users, sign-in and ID token verification', () => {
  const verify = createIdTokenVerifier(endpoints, resources);
  const email = 'ada.admin@example.com';
  let idToken: string;
  let accessToken: string;
  let sub: string;

  beforeAll(async () => {
    const user = await ensureCognitoUser(clients.cognito, resources, {
      email,
      password: PASSWORD,
      groups: ['admin', 'manager'],
    });
    sub = user.sub;
    ({ idToken, accessToken } = await signIn(endpoints, resources, email, PASSWORD));
  });

  it('ensureCognitoUser is idempotent and converges role groups', async () => {
    // Prepare
    const spec = { email: 'ivy.instructor@example.com', password: PASSWORD, groups: ['instructor'] as const };

    // Act
    const first = await ensureCognitoUser(clients.cognito, resources, spec);
    const second = await ensureCognitoUser(clients.cognito, resources, spec);
    const moved = await ensureCognitoUser(clients.cognito, resources, { ...spec, groups: ['learner'] });
    const groups = await clients.cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: resources.userPoolId, Username: moved.username }),
    );

    // Assess
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(moved.username).toBe(first.username);
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['learner']);
    await expect(signIn(endpoints, resources, spec.email, PASSWORD)).resolves.toHaveProperty('idToken');
  });

  it('signIn returns an ID token with email, cognito:groups, audience and the local issuer', () => {
    // Prepare
    const env = inject('localEnv');

    // Act
    const claims = claimsOf(idToken);

    // Assess
    expect(claims).toMatchObject({
      token_use: 'id',
      email,
      email_verified: true,
      sub,
      aud: resources.userPoolClientId,
      iss: env[LOCAL_AUTH_ENV.issuer],
      'cognito:groups': ['admin', 'manager'],
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60 * 60);
  });

  it('the verifier accepts the ID token and returns its claims', async () => {
    // Prepare
    const token = idToken;

    // Act
    const claims = await verify(token);

    // Assess
    expect(claims).toMatchObject({ sub, email, 'cognito:groups': ['admin', 'manager'], token_use: 'id' });
  });

  it('the verifier accepts a token forged with the right key and claims (so the rejections below are meaningful)', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const token = forgeToken({ ...claimsOf(idToken), iat: now, exp: now + 60 });

    // Act
    const claims = await verify(token);

    // Assess
    expect(claims.sub).toBe(sub);
  });

  it('rejects a token whose payload or signature was tampered with', async () => {
    // Prepare
    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const elevated = Buffer.from(
      JSON.stringify({ ...claimsOf(idToken), 'cognito:groups': ['admin', 'manager', 'instructor'] }),
    ).toString('base64url');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;

    // Act
    const withPayload = verify(`${header}.${elevated}.${signature}`);
    const withSignature = verify(`${header}.${payload}.${flipped}`);
    const unsigned = verify(
      `${Buffer.from('{"alg":"none","kid":"CognitoLocal"}').toString('base64url')}.${payload}.`,
    );

    // Assess
    await expect(withPayload).rejects.toBeInstanceOf(JwtInvalidSignatureError);
    await expect(withSignature).rejects.toBeInstanceOf(JwtInvalidSignatureError);
    await expect(unsigned).rejects.toBeInstanceOf(JwtBaseError);
  });

  it('rejects an ID token of another user pool (other issuer)', async () => {
    // Prepare: a second pool in the same cognito-local signs with the same key, only `iss` differs.
    const created = await clients.cognito.send(
      new CreateUserPoolCommand({ PoolName: 'lms-local-test-other-pool', UsernameAttributes: ['email'] }),
    );
    const other = { ...resources, userPoolId: created.UserPool?.Id as string };
    other.userPoolClientId = await ensureAppClient(clients.cognito, other.userPoolId, 'other-pool-web');
    await ensureCognitoUser(clients.cognito, other, { email, password: PASSWORD, groups: [] });
    const { idToken: foreign } = await signIn(endpoints, other, email, PASSWORD);

    // Act
    const result = verify(foreign);

    // Assess
    expect(claimsOf(foreign).iss).toBe(`${endpoints.cognito}/${other.userPoolId}`);
    await expect(result).rejects.toBeInstanceOf(JwtInvalidIssuerError);
  });

  it('rejects an access token passed instead of the ID token', async () => {
    // Prepare: a real access token has no `aud`; a forged one with the right `aud` isolates the token_use check.
    const forgedAccess = forgeToken({ ...claimsOf(idToken), token_use: 'access' });

    // Act
    const real = verify(accessToken);
    const forged = verify(forgedAccess);

    // Assess
    expect(claimsOf(accessToken).token_use).toBe('access');
    await expect(real).rejects.toBeInstanceOf(JwtInvalidAudienceError);
    await expect(forged).rejects.toBeInstanceOf(CognitoJwtInvalidTokenUseError);
  });

  it('rejects an expired ID token', async () => {
    // Prepare: the clock moves past the token's 60 minutes (only Date is faked; sockets and timers stay real).
    const { exp } = claimsOf(idToken) as { exp: number };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((exp + 1) * 1000);

    // Act
    const result = verify(idToken);

    // Assess
    try {
      await expect(result).rejects.toBeInstanceOf(JwtExpiredError);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects an ID token issued to another app client of the pool', async () => {
    // Prepare
    const otherClientId = await ensureAppClient(
      clients.cognito,
      resources.userPoolId,
      'lms-local-test-other-client',
    );
    const { idToken: foreign } = await signIn(endpoints, resources, email, PASSWORD, {
      clientId: otherClientId,
    });

    // Act
    const result = verify(foreign);

    // Assess
    expect(claimsOf(foreign).aud).toBe(otherClientId);
    await expect(result).rejects.toBeInstanceOf(JwtInvalidAudienceError);
  });
});

describe('startEmulators with a data folder', () => {
  const started: Array<{ stop(): Promise<void> }> = [];
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'lms-local-test-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((emulators) => emulators.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('emits S3 notifications, keeps data across restarts and frees its ports on stop', async () => {
    // Prepare
    const first = await startEmulators({ dataDir });
    started.push(first);
    const firstResources = await ensureResources(first.endpoints);
    const firstClients = createLocalClients(first.endpoints);
    const notifications: S3Event[] = [];
    first.s3.on('event', (event) => notifications.push(event));

    // Act
    await firstClients.s3.send(
      new PutObjectCommand({ Bucket: firstResources.buckets.content, Key: 'kept/object.txt', Body: 'kept' }),
    );
    firstClients.destroy();
    await first.stop();
    const refused = await Promise.all(
      Object.values(first.endpoints).map((url) =>
        fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
          () => 'answered',
          () => 'refused',
        ),
      ),
    );
    const second = await startEmulators({ dataDir });
    started.push(second);
    const secondResources = await ensureResources(second.endpoints);
    const secondClients = createLocalClients(second.endpoints);
    const kept = await secondClients.s3.send(
      new GetObjectCommand({ Bucket: secondResources.buckets.content, Key: 'kept/object.txt' }),
    );
    const body = await kept.Body?.transformToString();
    secondClients.destroy();

    // Assess
    expect(
      notifications.map((event) => [event.Records[0]?.eventName, event.Records[0]?.s3.object.key]),
    ).toEqual([['ObjectCreated:Put', 'kept/object.txt']]);
    expect(refused).toEqual(['refused', 'refused', 'refused']);
    expect(secondResources).toEqual(firstResources);
    expect(body).toBe('kept');
  }, 120_000);
});

/**
 * What IAM authorises for each AWS SDK call, and the record of which function makes which call: the tests'
 * proof that every function's grants are exactly what it uses (test/infra/grants.test.ts).
 *
 * The clients of shared/clients.ts carry a recording middleware only when `LMS_AWS_CALLS_FILE` names a file
 * (the test runs set it; Lambda never does, so there it costs nothing). A call is recorded under the handler
 * module that runs it, which the local stack's handler loader sets through {@link runAsFunction}; a call
 * outside any handler (a test calling a use case directly, the seed) is not recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MiddlewareStack } from '@smithy/types';
import { ENV } from './config.ts';
import { BUCKETS } from './http/route.ts';

/** The environment variable naming the file calls are recorded in (JSON lines); unset: nothing is recorded. */
export const AWS_CALLS_FILE_ENV = 'LMS_AWS_CALLS_FILE';

/**
 * One authorisation IAM makes for a call: the action, and where it matters for the grant, the resource:
 * `table` (the LMS table), `restore-table` (one of its restore tables) or `table:<name>` (any other), `<bucket>` (bucket-level, e.g. `content`) or
 * `<bucket>/<first key segment>/` (an object under that prefix, e.g. `uploads/packages/`).
 */
export interface IamCall {
  readonly action: string;
  readonly resource?: string;
}

/** One line of the record. */
export interface RecordedCall extends IamCall {
  /** The handler module that made the call, as the route or job manifest names it. */
  readonly fn: string;
}

/** IAM service prefix of each SDK client (the document client shares the DynamoDB client's stack). */
const SERVICE_OF_CLIENT: Readonly<Record<string, string>> = {
  DynamoDBClient: 'dynamodb',
  DynamoDBDocumentClient: 'dynamodb',
  S3Client: 's3',
  CognitoIdentityProviderClient: 'cognito-idp',
  SecretsManagerClient: 'secretsmanager',
  EventBridgeClient: 'events',
  SQSClient: 'sqs',
  AthenaClient: 'athena',
  CloudWatchClient: 'cloudwatch',
};

/**
 * S3 operations IAM authorises under another action's name (the "Permissions" section of each operation in
 * the S3 API reference): multipart parts are PutObject, a HEAD is a GET, listings and HeadBucket ListBucket.
 */
const S3_ACTION_OF: Readonly<Record<string, string>> = {
  HeadObject: 'GetObject',
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  DeleteObjects: 'DeleteObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  ListParts: 'ListMultipartUploadParts',
};

/** S3 operations on the bucket itself rather than on an object. */
const S3_BUCKET_LEVEL = new Set(['HeadBucket', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions']);

/** The items of a TransactWriteItems, each authorised as the single-item action. */
const TRANSACT_WRITE_ACTION_OF: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

type Input = Record<string, unknown>;

/**
 * What IAM checks when `clientName` sends `commandName` with `input` (and, when it failed, with `error`).
 *
 * @example
 * iamCallsOf('DynamoDBClient', 'TransactWriteItemsCommand', { TransactItems: [{ Put: { TableName: t } }] });
 * // [{ action: 'dynamodb:PutItem', resource: 'table' }] when t is TABLE_NAME
 */
export function iamCallsOf(
  clientName: string,
  commandName: string,
  input: unknown,
  error?: unknown,
): IamCall[] {
  const service = SERVICE_OF_CLIENT[clientName];
  if (!service)
    throw new Error(`No IAM service known for the SDK client ${clientName}: add it to aws-calls.ts.`);
  const operation = commandName.replace(/Command$/, '');
  const request = (input ?? {}) as Input;
  switch (service) {
    case 'dynamodb':
      return dynamoDbCalls(operation, request);
    case 's3':
      return s3Calls(operation, request, error);
    case 'secretsmanager':
      // CreateSecret with tags is also authorised as TagResource (see the CreateSecret API reference).
      return operation === 'CreateSecret' && Array.isArray(request.Tags) && request.Tags.length > 0
        ? [{ action: 'secretsmanager:CreateSecret' }, { action: 'secretsmanager:TagResource' }]
        : [{ action: `secretsmanager:${operation}` }];
    default:
      return [{ action: `${service}:${operation}` }];
  }
}

function dynamoDbCalls(operation: string, input: Input): IamCall[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    // No IAM action of its own: each item is authorised as the single-item action on its table.
    return ((input.TransactItems ?? []) as Input[]).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({
        action: `dynamodb:${operation === 'TransactGetItems' ? 'GetItem' : TRANSACT_WRITE_ACTION_OF[kind]}`,
        resource: tableOf((request as Input).TableName),
      })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys((input.RequestItems ?? {}) as Input).map((table) => ({
      action: `dynamodb:${operation}`,
      resource: tableOf(table),
    }));
  }
  return [{ action: `dynamodb:${operation}`, resource: tableOf(input.TableName) }];
}

function s3Calls(operation: string, input: Input, error: unknown): IamCall[] {
  if (operation === 'CopyObject') return copyObjectCalls(input);
  const action = `s3:${S3_ACTION_OF[operation] ?? operation}`;
  const bucket = bucketOf(input.Bucket);
  if (S3_BUCKET_LEVEL.has(operation)) return [{ action, resource: bucket }];
  const keys =
    operation === 'DeleteObjects'
      ? ((input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? []).map((o) => o.Key)
      : [input.Key];
  const calls: IamCall[] = [...new Set(keys.map((key) => `${bucket}/${prefixOf(key)}`))].map((resource) => ({
    action,
    resource,
  }));
  // A missing object answers 404 only to a caller that may also list the bucket (403 otherwise): code that
  // expects NoSuchKey/NotFound needs s3:ListBucket too.
  if ((operation === 'GetObject' || operation === 'HeadObject') && statusOf(error) === 404)
    calls.push({ action: 's3:ListBucket', resource: bucket });
  return calls;
}

/**
 * CopyObject has no action of its own: it reads the source (GetObject) and writes the destination
 * (PutObject); the tags it copies are read from the source (GetObjectTagging, `TaggingDirective` COPY, the
 * default) and the tags it sets are written to the destination (PutObjectTagging).
 */
function copyObjectCalls(input: Input): IamCall[] {
  const source = decodeURIComponent(String(input.CopySource ?? '')).replace(/^\//, '');
  const slash = source.indexOf('/');
  const from = `${bucketOf(source.slice(0, slash))}/${prefixOf(source.slice(slash + 1))}`;
  const to = `${bucketOf(input.Bucket)}/${prefixOf(input.Key)}`;
  const calls: IamCall[] = [
    { action: 's3:GetObject', resource: from },
    { action: 's3:PutObject', resource: to },
  ];
  if (input.TaggingDirective === 'REPLACE') {
    if (input.Tagging) calls.push({ action: 's3:PutObjectTagging', resource: to });
  } else {
    calls.push({ action: 's3:GetObjectTagging', resource: from });
    calls.push({ action: 's3:PutObjectTagging', resource: to });
  }
  return calls;
}

/** `table`, `restore-table` (`<table>-restore-*`, a restore's or a drill's own table) or `table:<name>`. */
function tableOf(name: unknown): string {
  const lms = process.env[ENV.tableName];
  if (name === lms) return 'table';
  if (lms && String(name).startsWith(`${lms}-restore-`)) return 'restore-table';
  return `table:${String(name)}`;
}

/** The bucket's logical name (`uploads`, `content`, `backups`) when it is one of the LMS buckets. */
function bucketOf(name: unknown): string {
  const env: Readonly<Record<(typeof BUCKETS)[number], string>> = {
    uploads: ENV.uploadsBucket,
    content: ENV.contentBucket,
    backups: ENV.backupsBucket,
    analytics: ENV.analyticsBucket,
  };
  return BUCKETS.find((bucket) => process.env[env[bucket]] === name) ?? `bucket:${String(name)}`;
}

/** The first segment of an object key, with its slash (`courses/`); '' for a key at the bucket's root. */
function prefixOf(key: unknown): string {
  const text = String(key ?? '');
  const slash = text.indexOf('/');
  return slash < 0 ? '' : text.slice(0, slash + 1);
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

const invocation = new AsyncLocalStorage<string>();

/**
 * Runs `work` as the function whose handler module is `handlerModule`: AWS calls made inside it are recorded
 * under that module. The local stack's handler loader wraps every handler with it.
 *
 * @example await runAsFunction('functions/users/get-user.ts', () => handler(event, context));
 */
export function runAsFunction<T>(handlerModule: string, work: () => T): T {
  return invocation.run(handlerModule, work);
}

const written = new Set<string>();

/** Appends the calls of `fn` to the record (each distinct line once per process); no file named: nothing. */
export function recordCalls(fn: string, calls: readonly IamCall[]): void {
  const file = process.env[AWS_CALLS_FILE_ENV];
  if (!file) return;
  for (const call of calls) {
    const line = JSON.stringify({ fn, ...call } satisfies RecordedCall);
    if (written.has(line)) continue;
    written.add(line);
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${line}\n`);
  }
}

/**
 * Adds the recording middleware to a client's middleware stack when `LMS_AWS_CALLS_FILE` is set. It records
 * what IAM authorises for each call sent (and each URL presigned: S3 authorises its use as the signer's
 * action), under the function running it; failed calls count too, for IAM checked them.
 *
 * @example const s3 = new S3Client({}); addCallRecording(s3.middlewareStack);
 */
export function addCallRecording<I extends object, O extends object>(stack: MiddlewareStack<I, O>): void {
  if (!process.env[AWS_CALLS_FILE_ENV]) return;
  stack.add(
    (next, context) => async (args) => {
      const fn = invocation.getStore();
      if (!fn) return next(args);
      const record = (error?: unknown) =>
        recordCalls(
          fn,
          iamCallsOf(String(context.clientName), String(context.commandName), args.input, error),
        );
      try {
        const result = await next(args);
        record();
        return result;
      } catch (error) {
        record(error);
        throw error;
      }
    },
    { step: 'initialize', name: 'lmsRecordIamCalls', override: true },
  );
}

/**
 * LmsFunction: the one place every Lambda default lives (runtime, architecture, bundling, tracing, logs,
 * memory, timeout), plus binding helpers that set a handler's environment variable and grant the narrowest
 * access in one call, so a function can only reach what its route declares in `needs`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, type Size, Stack, Validations } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BucketGrants, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { ENV, type EnvKey, QUEUE_ENV } from '../../shared/config.ts';
import {
  BUCKETS,
  type BucketAccess,
  type BucketName,
  type BucketNeed,
  QUEUES,
  type QueueName,
  type RouteNeeds,
} from '../../shared/http/route.ts';
import { IDENTITY_PROVIDER_SECRET_PREFIX } from '../../shared/store/cognito-federation.ts';
import { ATHENA_RESULTS_PREFIX, type ReportQueryTarget } from './analytics-lake.ts';

/** The project root: handler paths in the route manifest are relative to it. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Lambda runtime of every function; the esbuild target below follows it. */
export const LMS_RUNTIME = Runtime.NODEJS_24_X;
const NODE_TARGET = 'node24';

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (some AWS SDK and Powertools internals);
 * this banner gives them one.
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __lmsCreateRequire } from 'node:module'; const require = __lmsCreateRequire(import.meta.url);";

/**
 * How every handler is bundled, as CDK `NodejsFunction` bundling options. The AWS SDK is bundled too
 * (not external): a bundle pins the SDK version we test with instead of the one the runtime ships.
 */
export const LMS_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: NODE_TARGET,
  mainFields: ['module', 'main'],
  banner: CREATE_REQUIRE_BANNER,
  minify: true,
  keepNames: true,
  sourceMap: true,
  sourcesContent: false,
  // DuckDB is a native module: only the functions that run it ship it (`nodeModules`); elsewhere the report
  // engine imports it only where no Athena workgroup is set, which is never in AWS.
  externalModules: ['@duckdb/node-api'],
};

/**
 * The same bundling as plain esbuild options, for tools that bundle a handler without CDK (the bundle-size
 * benchmark). Keep in step with {@link LMS_BUNDLING}; `test/infra` checks that they agree.
 *
 * @example
 * import { build } from 'esbuild';
 * await build(lmsEsbuildOptions('functions/users/get-user.ts', '.local/bench/get-user.mjs'));
 */
export function lmsEsbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [resolve(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: CREATE_REQUIRE_BANNER },
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    external: [...(LMS_BUNDLING.externalModules ?? [])],
  };
}

/**
 * The platform `npm ci` installs `nodeModules` for, beside the bundle: Lambda's (linux, arm64, glibc), not
 * the machine that synthesizes. A package with a native binding per platform (DuckDB's
 * `@duckdb/node-bindings-linux-arm64`) then ships the one Lambda loads, from an x64 laptop or CI runner too.
 */
export const LAMBDA_PLATFORM_NPM_CONFIG = {
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
} as const;

export type TableAccess = NonNullable<RouteNeeds['table']>;
export type UserPoolAccess = NonNullable<RouteNeeds['userPool']>;
export type EventBusAccess = 'publish';

/** Environment variable each bucket's name is published under (the handlers read them through `ENV`). */
/** Environment variable each work queue's URL is published under. */

const BUCKET_ENV: Readonly<Record<BucketName, EnvKey>> = {
  uploads: 'uploadsBucket',
  content: 'contentBucket',
  backups: 'backupsBucket',
  analytics: 'analyticsBucket',
};

/**
 * DynamoDB actions per access level, on the table and its indexes. Explicit, and only what the functions use
 * (test/infra/grants.test.ts proves it): CDK's grantReadData would add Scan and the stream's GetRecords and
 * GetShardIterator, which no function calls. A transaction's items are authorised as PutItem, UpdateItem,
 * DeleteItem and ConditionCheckItem, so those cover TransactWriteItems.
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  describe: ['dynamodb:DescribeTable'],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/**
 * S3 object actions per access level (on the bucket's objects, or those under the need's prefix). Explicit,
 * no `s3:Get*`-style wildcards. Every access also gets {@link BUCKET_LEVEL_ACTIONS} on the bucket itself.
 */
export const BUCKET_OBJECT_ACTIONS: Readonly<Record<BucketAccess, readonly string[]>> = {
  list: [],
  'list-versions': [],
  read: ['s3:GetObject'],
  upload: ['s3:GetObject', 's3:PutObject'],
  append: ['s3:PutObject'],
  'read-append': ['s3:GetObject', 's3:PutObject'],
  write: ['s3:PutObject', 's3:DeleteObject'],
  'read-write': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  tag: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
  'copy-in-place': ['s3:GetObject', 's3:PutObject', 's3:GetObjectTagging', 's3:PutObjectTagging'],
};

/** On the bucket ARN: listing (HeadBucket, ListObjectsV2, and a 404 rather than 403 for a missing key). */
export const BUCKET_LEVEL_ACTIONS = ['s3:ListBucket'] as const;

/** On the bucket ARN, for `list-versions` only: ListObjectVersions (the backup's content inventory). */
export const BUCKET_VERSIONS_ACTION = 's3:ListBucketVersions';

/**
 * What `restoreTables` may do, on `<table name>-restore-*` only: create a restore table (and turn its TTL on),
 * wait for it, fill it, read it back and drop it.
 */
export const RESTORE_TABLE_ACTIONS = [
  'dynamodb:CreateTable',
  'dynamodb:DescribeTable',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:BatchWriteItem',
  'dynamodb:Scan',
  'dynamodb:DeleteTable',
] as const;

/**
 * What `reportQueries` may do. Athena runs a query with its caller's credentials: it reads the tables' Glue
 * definitions and Parquet files and writes the results as the function, so the function holds those grants
 * too. Partition projection computes each day's location, so Glue's partitions are never read.
 */
export const REPORT_QUERY_ACTIONS = {
  /** On the LMS workgroup only: run a query, follow it, read its rows, cancel it at the deadline. */
  workgroup: [
    'athena:StartQueryExecution',
    'athena:GetQueryExecution',
    'athena:GetQueryResults',
    'athena:StopQueryExecution',
  ],
  /** On the Data Catalog, the analytics database and each of its tables. */
  catalog: ['glue:GetDatabase', 'glue:GetTable'],
  /** On the analytics bucket and the results bucket themselves. */
  bucket: ['s3:GetBucketLocation', 's3:ListBucket'],
  /** On each table's folder of the analytics bucket (`<entity>/*`). */
  tableFiles: ['s3:GetObject'],
  /** On the results bucket itself, for multipart result files. */
  resultsBucket: ['s3:ListBucketMultipartUploads'],
  /** On the results location (`results/*`): write the result files, read them back. */
  results: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
} as const;

/** The access level and the object key pattern a bucket need grants. */
export function bucketGrantOf(need: BucketNeed): { access: BucketAccess; keyPattern: string } {
  return typeof need === 'string'
    ? { access: need, keyPattern: '*' }
    : { access: need.access, keyPattern: `${need.prefix}*` };
}

/**
 * Every function's Powertools service (`POWERTOOLS_SERVICE_NAME`) unless it says otherwise: a dimension of
 * each business metric it emits, so the alarms on those metrics name it too.
 */
export const LMS_SERVICE_NAME = 'lms-admin';

export interface LmsFunctionProps {
  /** Handler module, relative to the project root (as in the route manifest), exporting `handler`. */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. @default - none */
  readonly description?: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Size of `/tmp` (512 MiB to 10 GiB). @default - Lambda's default, 512 MiB */
  readonly ephemeralStorageSize?: Size;
  /** `POWERTOOLS_SERVICE_NAME`. @default LMS_SERVICE_NAME ('lms-admin') */
  readonly serviceName?: string;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Retention of the function's log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Extra environment variables (resource bindings go through the `bind*` methods instead). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Packages installed beside the bundle instead of bundled into it (their versions from the lockfile), for
   * dependencies that cannot run bundled, such as jsdom (reads files next to its own modules).
   * @default - none: everything is bundled
   */
  readonly nodeModules?: readonly string[];
  /** Node and V8 options added to `NODE_OPTIONS`, see {@link functionNodeOptions}. @default - none */
  readonly nodeOptions?: readonly string[];
}

/**
 * The function's `NODE_OPTIONS`: source maps (stack traces name the TypeScript source), then the options
 * its job asks for. Exported so that a benchmark can run a bundle with exactly the function's options.
 */
export function functionNodeOptions(extra: readonly string[] = []): string {
  return ['--enable-source-maps', ...extra].join(' ');
}

/** What `userPool: 'users'` may do, on that pool only. */
export const USER_POOL_USER_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminListUserAuthEvents',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;

/**
 * What `userPool: 'federation'` may do, on that pool only: the pool's identity providers, and the web
 * client's list of them (creating or deleting a provider lists or unlists it there).
 */
export const USER_POOL_FEDERATION_ACTIONS = [
  'cognito-idp:CreateIdentityProvider',
  'cognito-idp:DescribeIdentityProvider',
  'cognito-idp:UpdateIdentityProvider',
  'cognito-idp:DeleteIdentityProvider',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
] as const;

/**
 * What `userPool: 'federation'` may do with OIDC client secrets, on `lms/identity-providers/*` only: keep one
 * (create, tagged; put; restore one still in its recovery window, after describing it). No GetSecretValue:
 * Cognito keeps the secret it was given, so the LMS never reads one back. Deleting is a statement of its
 * own: {@link IDENTITY_PROVIDER_SECRET_DELETION}.
 */
export const IDENTITY_PROVIDER_SECRET_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:TagResource',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
] as const;

/**
 * Scheduling a secret's deletion, with a recovery window only: a request that forces deletion without one
 * (ForceDeleteWithoutRecovery) is refused, and so is one that names no window (Secrets Manager's 30-day
 * default; the LMS always names 7, the shortest); a forced delete cannot name a window, so this refuses it
 * twice over. A deleted provider's secret can then be restored (RestoreSecret) until the window ends.
 */
export const IDENTITY_PROVIDER_SECRET_DELETION = {
  action: 'secretsmanager:DeleteSecret',
  conditions: {
    BoolIfExists: { 'secretsmanager:ForceDeleteWithoutRecovery': 'false' },
    NumericGreaterThanEquals: { 'secretsmanager:RecoveryWindowInDays': 7 },
  },
} as const;

/** What `userPool: 'link'` may do, on that pool only: find a login by email, link a federated login to it. */
export const USER_POOL_LINK_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:AdminLinkProviderForUser',
  'cognito-idp:AdminListGroupsForUser',
] as const;

/** The cognito-idp actions of each kind of user-pool access, all granted on the pool's ARN only. */
/** What `userPool: 'web-client'` may do, on that pool only: check providers exist, relist them on the web client. */
export const USER_POOL_WEB_CLIENT_ACTIONS = [
  'cognito-idp:DescribeIdentityProvider',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
] as const;

/**
 * What `userPool: 'clients'` may do, on that pool only: machine clients' app clients and their secrets
 * (exactly the calls of shared/store/cognito-machine-clients.ts; its unit test checks the two agree).
 */
export const USER_POOL_CLIENT_ACTIONS = [
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:ListUserPoolClientSecrets',
  'cognito-idp:AddUserPoolClientSecret',
  'cognito-idp:DeleteUserPoolClientSecret',
] as const;

const USER_POOL_ACTIONS: Readonly<Record<UserPoolAccess, readonly string[]>> = {
  describe: ['cognito-idp:DescribeUserPool'],
  lookup: ['cognito-idp:AdminGetUser'],
  'sign-out': ['cognito-idp:AdminUserGlobalSignOut'],
  logins: ['cognito-idp:ListUsers', 'cognito-idp:ListUsersInGroup'],
  users: USER_POOL_USER_ACTIONS,
  federation: USER_POOL_FEDERATION_ACTIONS,
  link: USER_POOL_LINK_ACTIONS,
  clients: USER_POOL_CLIENT_ACTIONS,
  'web-client': USER_POOL_WEB_CLIENT_ACTIONS,
  erase: ['cognito-idp:AdminDeleteUser'],
};

/** How {@link LmsFunction.bindNeeds} and {@link LmsFunction.bindUserPool} bind the user pool. */
export interface UserPoolBindOptions {
  /**
   * The function is a Lambda trigger of that very pool. The pool's LambdaConfig names the function, so the
   * function must depend on nothing that names the pool, or CloudFormation refuses the circular dependency:
   * - the actions are granted through a separate IAM policy attached to the function's role, which the
   *   function does not wait for, instead of the role's default policy, which it does;
   * - `USER_POOL_ID` is NOT set: Cognito passes `userPoolId` in every trigger event, and the handler reads it
   *   from there.
   * @default false
   */
  readonly triggerOfUserPool?: boolean;
}

/** The resources a function may be bound to through {@link LmsFunction.bindNeeds}. */
export interface LmsResources {
  /** Only functions whose `needs` name the table require it. @default - none */
  readonly table?: ITable;
  /** Only functions whose `needs` name a bucket require them. @default - none */
  readonly buckets?: Readonly<Record<BucketName, IBucket>>;
  /** Only functions whose `needs` name the user pool require it. @default - none */
  readonly userPool?: IUserPool;
  /** The web app client: federation lists providers on it, sign-in links go through it. @default - none */
  readonly webClientId?: string;
  /** The hosted sign-in page, when the pool has a domain. @default - none: no sign-in links */
  readonly hostedUi?: { readonly domain: string; readonly callbackUrl: string };
  /** Where content and the player are served (`https://<distribution domain>`), for `contentDelivery`. */
  readonly contentBaseUrl?: string;
  /** The LMS domain-event bus; only functions whose `needs` name `events` require it. @default - none */
  readonly eventBus?: IEventBus;
  /** The work queues; only functions whose `needs` name a queue require them. @default - none */
  readonly queues?: Readonly<Record<QueueName, IQueue>>;
  /** The From address of the LMS's mail (an SES verified identity), for `mail`. @default - none: no mail */
  readonly mailSender?: string;
  /** The REST API's name (its CloudWatch metrics' `ApiName`); only for `apiMetrics`. @default - none */
  readonly apiName?: string;
  /** The Athena workgroup and Glue tables of the export; only for `reportQueries`. @default - none */
  readonly reportQueries?: ReportQueryTarget;
}

/**
 * A Node.js Lambda function with the project's defaults: nodejs24.x on arm64, ESM bundle with source maps,
 * X-Ray active tracing, its own log group with retention, and a role that starts with nothing but writing to
 * that log group. Reach resources only through {@link bindTable}, {@link bindBucket}, {@link bindUserPool} and
 * {@link bindEventBus}.
 *
 * When bundling is skipped for the stack (context `aws:cdk:bundling-stacks`, as in the infra tests and in
 * `cdk synth` of stacks that are not being deployed), the handler file is neither bundled nor required to
 * exist: the function gets placeholder inline code. Such a template is for inspection only; the CDK CLI always
 * bundles the stacks it deploys.
 */
export class LmsFunction extends NodejsFunction {
  /** The handler module this function runs, relative to the project root. */
  readonly entryModule: string;
  private readonly serviceRole: Role;
  /** Where the function's log group and role live (beside the function, not under it). */
  private readonly siblingScope: Construct;

  constructor(scope: Construct, id: string, props: LmsFunctionProps) {
    const bundlingRequired = Stack.of(scope).bundlingRequired;
    const entryPath = resolve(PROJECT_ROOT, props.entry);
    if (bundlingRequired && !existsSync(entryPath)) {
      throw new Error(
        `Handler module ${props.entry} of function ${scope.node.path}/${id} does not exist (looked for ${entryPath}). Create it, or fix the route's handler path in the route manifest.`,
      );
    }
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}: its log group plus the bindings its route declares`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: props.description,
      runtime: LMS_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      ephemeralStorageSize: props.ephemeralStorageSize,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: functionNodeOptions(props.nodeOptions),
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? LMS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ...props.environment,
      },
      ...(bundlingRequired
        ? {
            entry: entryPath,
            handler: 'handler',
            projectRoot: PROJECT_ROOT,
            depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
            bundling: props.nodeModules?.length
              ? {
                  ...LMS_BUNDLING,
                  nodeModules: [...props.nodeModules],
                  environment: { ...LAMBDA_PLATFORM_NPM_CONFIG },
                }
              : LMS_BUNDLING,
          }
        : {
            code: Code.fromInline(`// bundling skipped for this stack; handler module: ${props.entry}`),
            handler: 'index.handler',
          }),
    });

    this.entryModule = props.entry;
    this.serviceRole = role;
    this.siblingScope = scope;

    // Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to this role.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions PutTraceSegments/PutTelemetryRecords (added by active tracing) and, for a route needing apiMetrics, cloudwatch:GetMetricData (read only) use Resource "*": neither X-Ray nor GetMetricData supports resource-level permissions. Every data-service statement names its resource (checked by test/infra).',
    });
  }

  /**
   * Binds exactly what a route or job declares in `needs`: the table, each bucket named, the user pool, the
   * event bus. For a Lambda trigger of the user pool, pass `{ triggerOfUserPool: true }` (see
   * {@link UserPoolBindOptions}).
   *
   * @example
   * new LmsFunction(this, route.id, { entry: route.handler }).bindNeeds(route.needs, { table, buckets, userPool });
   */
  bindNeeds(needs: RouteNeeds, resources: LmsResources, options: UserPoolBindOptions = {}): this {
    if (needs.table) {
      if (!resources.table) {
        throw new Error(
          `${this.node.path} needs the table (${needs.table}), but its stack was given none: pass the table to the stack.`,
        );
      }
      this.bindTable(resources.table, needs.table);
    }
    if (needs.tableScan) {
      if (!resources.table) {
        throw new Error(
          `${this.node.path} needs to scan the table, but its stack was given none: pass the table to the stack.`,
        );
      }
      Grant.addToPrincipal({
        grantee: this,
        actions: ['dynamodb:Scan', 'dynamodb:DescribeTable'],
        resourceArns: [resources.table.tableArn],
      });
    }
    if (needs.restoreTables) {
      if (!resources.table) {
        throw new Error(
          `${this.node.path} needs restore tables, but its stack was given none: pass the table to the stack.`,
        );
      }
      this.grantRestoreTables(resources.table);
    }
    for (const name of BUCKETS) {
      const need = needs.buckets?.[name];
      if (!need) continue;
      const bucket = resources.buckets?.[name];
      if (!bucket) {
        throw new Error(
          `${this.node.path} needs the ${name} bucket (${bucketGrantOf(need).access}), but its stack was given none: pass the buckets to the stack.`,
        );
      }
      this.bindBucket(name, bucket, need);
    }
    if (needs.userPool) {
      if (!resources.userPool) {
        throw new Error(
          `${this.node.path} needs the user pool (${needs.userPool}), but its stack was given none: pass the user pool to the stack.`,
        );
      }
      this.bindUserPool(resources.userPool, needs.userPool, options);
    }
    if ((needs.userPool === 'federation' || needs.userPool === 'web-client') && resources.webClientId)
      this.addEnvironment(ENV.webClientId, resources.webClientId);
    if (needs.userPool === 'federation') this.grantIdentityProviderSecrets();
    // The pool's token endpoint, where machine clients get tokens (none without a hosted domain).
    if (needs.userPool === 'clients' && resources.hostedUi)
      this.addEnvironment(ENV.oauthTokenUrl, `https://${resources.hostedUi.domain}/oauth2/token`);
    if (needs.hostedUi && resources.hostedUi && resources.webClientId) {
      this.addEnvironment(ENV.hostedUiDomain, resources.hostedUi.domain);
      this.addEnvironment(ENV.webCallbackUrl, resources.hostedUi.callbackUrl);
      this.addEnvironment(ENV.webClientId, resources.webClientId);
    }
    if (needs.contentDelivery) {
      if (!resources.contentBaseUrl) {
        throw new Error(
          `${this.node.path} needs the content delivery URL, but its stack was given none: pass the content distribution's URL to the stack.`,
        );
      }
      this.addEnvironment(ENV.contentBaseUrl, resources.contentBaseUrl);
    }
    if (needs.events) {
      if (!resources.eventBus) {
        throw new Error(
          `${this.node.path} needs the event bus (${needs.events}), but its stack was given none: pass the LMS event bus to the stack.`,
        );
      }
      this.bindEventBus(resources.eventBus, needs.events);
    }
    if (needs.mail && resources.mailSender) this.bindMailSender(resources.mailSender);
    if (needs.reportQueries) {
      if (!resources.reportQueries) {
        throw new Error(
          `${this.node.path} needs report queries, but its stack was given no analytics lake: pass the data stack's analyticsLake to the stack as reportQueries.`,
        );
      }
      this.bindReportQueries(resources.reportQueries);
    }
    if (needs.apiMetrics) {
      if (!resources.apiName) {
        throw new Error(
          `${this.node.path} needs the API's metrics, but its stack was given no API name: pass apiName to bindNeeds.`,
        );
      }
      this.bindApiMetrics(resources.apiName);
    }
    for (const name of QUEUES) {
      if (!needs.queues?.[name]) continue;
      const queue = resources.queues?.[name];
      if (!queue) {
        throw new Error(
          `${this.node.path} needs the ${name} queue (send), but its stack was given none: pass the work queues to the stack.`,
        );
      }
      this.bindQueue(name, queue);
    }
    return this;
  }

  /**
   * Sends mail from `sender` only: `REPORT_MAIL_SENDER`, and SES's SendEmail on that address's identity and its
   * domain's (SES authorises a send against whichever of the two is verified).
   */
  bindMailSender(sender: string): this {
    this.addEnvironment(ENV.reportMailSender, sender);
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const stack = Stack.of(this);
    Grant.addToPrincipal({
      grantee: this,
      actions: ['ses:SendEmail'],
      resourceArns: [sender, domain].map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
    });
    return this;
  }

  /**
   * Publishes the table name as `TABLE_NAME` and grants the {@link TABLE_ACTIONS} of `access`: on the table
   * alone for `describe`, on the table and its indexes for `read` and `write`.
   */
  bindTable(table: ITable, access: TableAccess): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    const actions = [...TABLE_ACTIONS[access]];
    const grant =
      access === 'describe'
        ? Grant.addToPrincipal({ grantee: this, actions, resourceArns: [table.tableArn] })
        : table.grant(this, ...actions);
    const statements = JSON.stringify(
      Stack.of(this).resolve(grant.principalStatements.map((statement) => statement.toStatementJson())),
    );
    if (statements.includes('/index/*')) {
      Validations.of(this.serviceRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.nagArnLabel(table, table.tableArn)}/index/*]`,
        reason:
          'Query on the global secondary indexes needs their ARNs; "index/*" covers only the indexes of this one table (gsi1, gsi2), with the same read or read/write actions as the table.',
      });
    }
    return this;
  }

  /**
   * Publishes the bucket's name under its `*_BUCKET_NAME` variable and grants {@link BUCKET_LEVEL_ACTIONS} on
   * the bucket and the {@link BUCKET_OBJECT_ACTIONS} of the need on its objects: all of them, or those under
   * the need's prefix.
   */
  bindBucket(name: BucketName, bucket: IBucket, need: BucketNeed): this {
    this.addEnvironment(ENV[BUCKET_ENV[name]], bucket.bucketName);
    const { access, keyPattern } = bucketGrantOf(need);
    Grant.addToPrincipal({
      grantee: this,
      actions: [...BUCKET_LEVEL_ACTIONS, ...(access === 'list-versions' ? [BUCKET_VERSIONS_ACTION] : [])],
      resourceArns: [bucket.bucketArn],
    });
    const objectActions = BUCKET_OBJECT_ACTIONS[access];
    if (objectActions.length === 0) return this;
    BucketGrants.fromBucket(bucket).actionsOnObjectKeys(this, keyPattern, ...objectActions);
    const keys =
      keyPattern === '*'
        ? `the objects of the ${name} bucket`
        : `the ${name} bucket's keys under ${keyPattern.slice(0, -1)}`;
    Validations.of(this.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArnLabel(bucket, bucket.bucketArn)}/${keyPattern}]`,
      reason: `Object actions (${objectActions.join(', ')}) need object ARNs; "/${keyPattern}" covers ${keys} only, and the actions are explicit, without wildcards.`,
    });
    return this;
  }

  /**
   * Publishes the pool id as `USER_POOL_ID` and grants the actions of `access` (`describe`: DescribeUserPool;
   * {@link USER_POOL_USER_ACTIONS}, {@link USER_POOL_FEDERATION_ACTIONS}, {@link USER_POOL_LINK_ACTIONS}) on
   * that pool only. A trigger of the pool gets the same actions through a separate policy and no
   * `USER_POOL_ID` (see {@link UserPoolBindOptions}).
   */
  bindUserPool(pool: IUserPool, access: UserPoolAccess, options: UserPoolBindOptions = {}): this {
    const actions = [...USER_POOL_ACTIONS[access]];
    if (options.triggerOfUserPool) {
      // Deliberately no USER_POOL_ID here: the variable would name the pool from the function itself (a cycle
      // with the pool's LambdaConfig); the handler reads `userPoolId` from the trigger event instead. The
      // policy is a sibling of the role, not its child, so the function (which depends on its role's subtree)
      // does not wait for it.
      new Policy(this.siblingScope, `${this.node.id}UserPoolPolicy`, {
        roles: [this.serviceRole],
        statements: [new PolicyStatement({ actions, resources: [pool.userPoolArn] })],
      });
      return this;
    }
    this.addEnvironment(ENV.userPoolId, pool.userPoolId);
    pool.grant(this, ...actions);
    return this;
  }

  /**
   * Grants {@link IDENTITY_PROVIDER_SECRET_ACTIONS}, and {@link IDENTITY_PROVIDER_SECRET_DELETION} with its
   * conditions, on the OIDC client secrets' name prefix only.
   */
  private grantIdentityProviderSecrets(): void {
    const secrets = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${IDENTITY_PROVIDER_SECRET_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...IDENTITY_PROVIDER_SECRET_ACTIONS], resources: [secrets] }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [IDENTITY_PROVIDER_SECRET_DELETION.action],
        resources: [secrets],
        conditions: IDENTITY_PROVIDER_SECRET_DELETION.conditions,
      }),
    );
    Validations.of(this.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(secrets))}]`,
      reason:
        'Each OIDC identity provider gets its own secret, named after the provider when an admin adds it at runtime (and Secrets Manager appends a random suffix to every secret ARN), so no fixed ARN exists at deploy time; the "lms/identity-providers/" prefix scopes the grant to those secrets, with explicit actions and no GetSecretValue.',
    });
  }

  /**
   * Grants {@link RESTORE_TABLE_ACTIONS} on the tables named `<table name>-restore-*` only: a restore or a
   * drill creates its table at runtime, named after its run, so no fixed ARN exists at deploy time.
   */
  private grantRestoreTables(table: ITable): void {
    const here = Stack.of(this);
    const owner = Stack.of(table);
    const tableName = owner === here ? table.tableName : owner.exportValue(table.tableName);
    const restoreTables = here.formatArn({
      service: 'dynamodb',
      resource: 'table',
      resourceName: `${tableName}-restore-*`,
    });
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...RESTORE_TABLE_ACTIONS], resources: [restoreTables] }),
    );
    Validations.of(this.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(here.resolve(restoreTables))}]`,
      reason:
        'A restore or a restore drill creates its own table at runtime, named "<LMS table>-restore-<run id>", so no fixed ARN exists at deploy time; the "-restore-*" suffix keeps the grant off the LMS table itself and any other table, with explicit actions.',
    });
  }

  /**
   * Publishes the workgroup as `ATHENA_WORKGROUP` and the database as `ANALYTICS_DATABASE`, and grants the
   * {@link REPORT_QUERY_ACTIONS}: each on exactly its workgroup, database, tables, table folders and results
   * location.
   */
  bindReportQueries(lake: ReportQueryTarget): this {
    const here = Stack.of(this);
    this.addEnvironment(ENV.athenaWorkgroup, lake.workgroupName);
    this.addEnvironment(ENV.analyticsDatabase, lake.databaseName);
    const glue = (resource: string, resourceName?: string) =>
      here.formatArn({ service: 'glue', resource, resourceName });
    const grant = (actions: readonly string[], resourceArns: string[]) =>
      Grant.addToPrincipal({ grantee: this, actions: [...actions], resourceArns });
    grant(REPORT_QUERY_ACTIONS.workgroup, [
      here.formatArn({ service: 'athena', resource: 'workgroup', resourceName: lake.workgroupName }),
    ]);
    grant(REPORT_QUERY_ACTIONS.catalog, [
      glue('catalog'),
      glue('database', lake.databaseName),
      ...lake.tableNames.map((table) => glue('table', `${lake.databaseName}/${table}`)),
    ]);
    grant(REPORT_QUERY_ACTIONS.bucket, [lake.analyticsBucket.bucketArn, lake.resultsBucket.bucketArn]);
    grant(REPORT_QUERY_ACTIONS.resultsBucket, [lake.resultsBucket.bucketArn]);
    for (const table of lake.tableNames) {
      BucketGrants.fromBucket(lake.analyticsBucket).actionsOnObjectKeys(
        this,
        `${table}/*`,
        ...REPORT_QUERY_ACTIONS.tableFiles,
      );
      Validations.of(this.serviceRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.nagArnLabel(lake.analyticsBucket, lake.analyticsBucket.bucketArn)}/${table}/*]`,
        reason: `Athena reads the ${table} table's Parquet files with the caller's credentials; "/${table}/*" is that table's folder (one file per export day and run), read only.`,
      });
    }
    BucketGrants.fromBucket(lake.resultsBucket).actionsOnObjectKeys(
      this,
      `${ATHENA_RESULTS_PREFIX}*`,
      ...REPORT_QUERY_ACTIONS.results,
    );
    Validations.of(this.serviceRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagArnLabel(lake.resultsBucket, lake.resultsBucket.bucketArn)}/${ATHENA_RESULTS_PREFIX}*]`,
      reason: `Athena writes each query's result file, named after the query, under the workgroup's "${ATHENA_RESULTS_PREFIX}" location with the caller's credentials, and GetQueryResults reads it back; the actions are explicit.`,
    });
    return this;
  }

  /**
   * Publishes the API's name as `API_NAME` and grants `cloudwatch:GetMetricData`, which supports no
   * resource-level permissions (so `Resource: "*"`); it reads metrics, never writes them.
   */
  bindApiMetrics(apiName: string): this {
    this.addEnvironment(ENV.apiName, apiName);
    this.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    return this;
  }

  /** Publishes the queue's URL under its `*_QUEUE_URL` variable and grants `sqs:SendMessage` on it only. */
  bindQueue(name: QueueName, queue: IQueue): this {
    this.addEnvironment(ENV[QUEUE_ENV[name]], queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Publishes the bus name as `EVENT_BUS_NAME` and grants `events:PutEvents` on that bus only. */
  bindEventBus(bus: IEventBus, access: EventBusAccess): this {
    this.addEnvironment(ENV.eventBusName, bus.eventBusName);
    if (access === 'publish') bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * How cdk-nag names `arn` in a finding about this function's policy. A resource of another stack reaches
   * this stack as `Fn::ImportValue` of the owner's export (CDK's "strong" cross-stack references, set in
   * cdk.json): exporting it here returns the very import CDK will generate, so acknowledgements can name
   * the finding exactly instead of by pattern.
   */
  private nagArnLabel(resource: IConstruct, arn: string): string {
    const here = Stack.of(this);
    const owner = Stack.of(resource);
    return flattenCfnReference(here.resolve(owner === here ? arn : owner.exportValue(arn)));
  }
}

/** cdk-nag's rendering of a CloudFormation expression in finding ids (its `flattenCfnReference`). */
function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const expression = node as Record<string, unknown>;
    const join = expression['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if ('Fn::Sub' in expression) return flattenCfnReference(expression['Fn::Sub']);
    const getAtt = expression['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenCfnReference(getAtt[0])}.${flattenCfnReference(getAtt[1])}>`;
    if ('Fn::ImportValue' in expression) return flattenCfnReference(expression['Fn::ImportValue']);
    if ('Ref' in expression) return `<${flattenCfnReference(expression.Ref)}>`;
  }
  return JSON.stringify(node);
}

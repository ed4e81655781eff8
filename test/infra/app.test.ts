/**
 * Infra tests: synthesize the real app (`buildApp`, with cdk.json's context) once, with bundling skipped so
 * no esbuild runs and handler files need not exist, then check the templates and the cdk-nag report.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type LmsStacks } from '../../infra/app.ts';
import { SERVED_PREFIX } from '../../infra/constructs/content-delivery.ts';
import {
  LMS_BUNDLING,
  LMS_RUNTIME,
  LmsFunction,
  lmsEsbuildOptions,
  PROJECT_ROOT,
} from '../../infra/constructs/lms-function.ts';
import { functionStackId } from '../../infra/stacks/api-stack.ts';
import { AuthStack } from '../../infra/stacks/auth-stack.ts';
import { DataStack } from '../../infra/stacks/data-stack.ts';
import {
  AFTER_DEPLOY_STATUSES,
  AUDIT_STREAM_BATCH_SIZE,
  AUDIT_STREAM_RETRY_ATTEMPTS,
  BACKUP_ALARM_HOURS,
  DOMAIN_EVENT_JOB_RETRY_ATTEMPTS,
  JobsStack,
  LMS_EVENT_BUS_NAME,
  SCHEDULE_DELIVERY_RETRY_ATTEMPTS,
  SCHEDULED_JOB_RETRY_ATTEMPTS,
  UPLOAD_JOB_RETRY_ATTEMPTS,
} from '../../infra/stacks/jobs-stack.ts';
import { ANALYTICS_ENTITY_NAMES } from '../../shared/analytics/schemas.ts';
import { ENV } from '../../shared/config.ts';
import { SCOPE_NAMES } from '../../shared/domain/api-scopes.ts';
import { ROLES } from '../../shared/domain/principal.ts';
import { EVENT_SOURCE } from '../../shared/events/envelope.ts';
import { BUCKETS, type BucketNeed, type RouteDefinition, type RouteNeeds } from '../../shared/http/route.ts';
import {
  type AuditStreamJob,
  type CognitoTriggerJob,
  type DomainEventJob,
  type JobDefinition,
  jobs,
  resyncWebClientProviders,
  type ScheduledJob,
  type UploadTriggeredJob,
} from '../../shared/jobs/manifest.ts';
import {
  completePackageUpload,
  getAccessibilityReport,
  requestPackageUpload,
} from '../../shared/routes/content.ts';
import { routes } from '../../shared/routes/index.ts';
import { TABLE_INDEXES, TTL_ATTRIBUTE } from '../../shared/store/table-schema.ts';

type Json = Record<string, unknown>;
interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
}
interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
}
interface PluginReport {
  readonly pluginName: string;
  readonly violations: readonly Violation[];
}

const DATA_ACTIONS = /^(dynamodb|s3|cognito-idp|events):/;

/**
 * What each kind of user-pool access grants (the function's cognito-idp actions, all on the pool), written out
 * here rather than read from lms-function.ts, so the template is not checked against itself.
 */
const USER_POOL_ACTIONS: Record<NonNullable<RouteNeeds['userPool']>, readonly string[]> = {
  describe: ['cognito-idp:DescribeUserPool'],
  lookup: ['cognito-idp:AdminGetUser'],
  'sign-out': ['cognito-idp:AdminUserGlobalSignOut'],
  logins: ['cognito-idp:ListUsers', 'cognito-idp:ListUsersInGroup'],
  users: [
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminListGroupsForUser',
    'cognito-idp:AdminAddUserToGroup',
    'cognito-idp:AdminRemoveUserFromGroup',
    'cognito-idp:AdminListUserAuthEvents',
    'cognito-idp:AdminUserGlobalSignOut',
  ],
  federation: [
    'cognito-idp:CreateIdentityProvider',
    'cognito-idp:DescribeIdentityProvider',
    'cognito-idp:UpdateIdentityProvider',
    'cognito-idp:DeleteIdentityProvider',
    'cognito-idp:DescribeUserPoolClient',
    'cognito-idp:UpdateUserPoolClient',
  ],
  link: [
    'cognito-idp:ListUsers',
    'cognito-idp:AdminLinkProviderForUser',
    'cognito-idp:AdminListGroupsForUser',
  ],
  clients: [
    'cognito-idp:CreateUserPoolClient',
    'cognito-idp:UpdateUserPoolClient',
    'cognito-idp:DeleteUserPoolClient',
    'cognito-idp:ListUserPoolClientSecrets',
    'cognito-idp:AddUserPoolClientSecret',
    'cognito-idp:DeleteUserPoolClientSecret',
  ],
  'web-client': [
    'cognito-idp:DescribeIdentityProvider',
    'cognito-idp:DescribeUserPoolClient',
    'cognito-idp:UpdateUserPoolClient',
  ],
  erase: ['cognito-idp:AdminDeleteUser'],
};
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** What each table access grants, on the table (and for read and write its indexes). */
const TABLE_ACTIONS: Record<NonNullable<RouteNeeds['table']>, readonly string[]> = {
  describe: ['dynamodb:DescribeTable'],
  read: TABLE_READ_ACTIONS,
  write: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
};
/** What `restoreTables` grants, on `<table name>-restore-*` only. */
const RESTORE_TABLE_ACTIONS = [
  'dynamodb:CreateTable',
  'dynamodb:DescribeTable',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:BatchWriteItem',
  'dynamodb:Scan',
  'dynamodb:DeleteTable',
];
/** Object actions of each bucket access (every access lists the bucket too, on the bucket ARN). */
const BUCKET_OBJECT_ACTIONS: Record<
  | 'list'
  | 'list-versions'
  | 'read'
  | 'upload'
  | 'append'
  | 'read-append'
  | 'write'
  | 'read-write'
  | 'tag'
  | 'copy-in-place',
  readonly string[]
> = {
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
/** What `federation` may do with OIDC client secrets besides scheduling their deletion. */
const SECRET_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:TagResource',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DescribeSecret',
  'secretsmanager:RestoreSecret',
];
/** What reading the table's stream takes (the audit-stream job's event source mapping), on the stream only. */
const STREAM_READ_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/** The jobs LmsAuth runs (the pool's Lambda triggers), and the ones LmsJobs runs: all the others. */
const cognitoTriggerJobs = jobs.filter(
  (job): job is CognitoTriggerJob => job.trigger.kind === 'cognito-trigger',
);
const lmsJobsJobs = jobs.filter((job) => job.trigger.kind !== 'cognito-trigger');

let outdir: string;
let stacks: LmsStacks;
let templates: { data: Template; auth: Template; api: Template; jobs: Template };
/** The templates of the nested stacks holding LmsApi's functions (one per route tag). */
let functionTemplates: Map<Stack, Template>;
let pluginReports: readonly PluginReport[];

beforeAll(() => {
  // Prepare: the app exactly as `cdk synth` builds it: cdk.json's context, and validation findings written to
  // the report instead of thrown (the CLI sets failSynthOnValidationErrors=false too, and fails on the report).
  // Bundling is skipped: no esbuild run, and handler files need not exist yet.
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json };
  outdir = mkdtempSync(join(tmpdir(), 'lms-infra-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  stacks = buildApp(app);

  // Act: one synth for the whole file.
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: PluginReport[];
  };
  pluginReports = report.pluginReports;
  templates = {
    data: Template.fromStack(stacks.data),
    auth: Template.fromStack(stacks.auth),
    api: Template.fromStack(stacks.api),
    jobs: Template.fromStack(stacks.jobs),
  };
  functionTemplates = new Map(
    [...stacks.api.functionStacks.values()].map((stack) => [stack, Template.fromStack(stack)]),
  );
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('cdk-nag (AwsSolutions, Serverless)', () => {
  it('reports no unacknowledged error or warning', () => {
    // Assess
    const findings = pluginReports
      .filter((report) => /^(AwsSolutions|Serverless)$/.test(report.pluginName))
      .flatMap((report) =>
        report.violations.map(
          (v) =>
            `${v.severity} ${v.ruleName} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}: ${v.description}`,
        ),
      );
    expect(findings).toEqual([]);
  });

  it('reports nothing at all: no CloudFormation validation or construct annotation finding either', () => {
    // Assess
    const findings = pluginReports.flatMap((report) =>
      report.violations.map((v) => `${report.pluginName}: ${v.severity} ${v.ruleName}: ${v.description}`),
    );
    expect(findings).toEqual([]);
  });

  it('checks the resources of nested stacks too, so a finding in a function stack of LmsApi would be reported', () => {
    // Prepare: a function in a nested stack, without the acknowledgement of the DLQ rule LmsApi gives its own
    const dir = mkdtempSync(join(tmpdir(), 'lms-infra-nested-'));
    try {
      const app = new App({
        outdir: dir,
        context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
      });
      const nested = new NestedStack(new Stack(app, 'Parent'), 'Nested');
      new LmsFunction(nested, 'Probe', { entry: 'functions/system/get-health.ts' });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

      // Act
      app.synth();
      const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as {
        pluginReports: PluginReport[];
      };

      // Assess
      const dlq = report.pluginReports
        .flatMap((r) => r.violations)
        .filter((v) => v.ruleName === 'Serverless-LambdaDLQ')
        .flatMap((v) => (v.violatingConstructs ?? []).map((c) => c.constructPath));
      expect(dlq).toEqual(['Parent/Nested/Probe/Resource']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('narrows every acknowledgement to one finding and gives a reason', () => {
    // Prepare
    const acknowledgements = collectAcknowledgements([
      stacks.data,
      stacks.auth,
      stacks.api,
      stacks.jobs,
      stacks.monitoring,
    ]);

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason, path } of acknowledgements) {
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(60);
      // Rules that report one finding per action/resource/policy must be acknowledged per finding.
      if (/^AwsSolutions-IAM[45]/.test(id)) expect(id, path).toMatch(/^AwsSolutions-IAM[45]\[.+\]$/);
      // Never acknowledged app-wide or stack-wide.
      expect(path.split('/').length, `${id} at ${path}`).toBeGreaterThan(1);
    }
  });
});

describe('LmsData', () => {
  it('is termination-protected and environment-agnostic', () => {
    // Assess
    expect(stacks.data.terminationProtection).toBe(true);
    for (const stack of [stacks.data, stacks.auth, stacks.api, stacks.jobs, stacks.monitoring]) {
      expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    }
  });

  it('has one table: pk/sk, the GSIs of table-schema.ts, TTL, on-demand, PITR, deletion protection, SSE, retained', () => {
    // Assess
    templates.data.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    templates.data.resourceCountIs('AWS::DynamoDB::Table', 0);
    templates.data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        AttributeDefinitions: Match.arrayWith(
          ['pk', 'sk', ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])].map(
            (name) => ({
              AttributeName: name,
              AttributeType: 'S',
            }),
          ),
        ),
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      },
    });
  });

  it("streams the table's new images: the outbox the domain-event publisher reads", () => {
    // Assess
    templates.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    expect(stacks.data.table.tableStreamArn).toBeDefined();
  });

  it('blocks public access, encrypts, logs access and retains every bucket', () => {
    // Prepare
    const buckets = templates.data.findResources('AWS::S3::Bucket');

    // Assess: the product buckets plus the access-log bucket, the content distribution's log bucket and the
    // Athena results bucket
    expect(Object.keys(buckets)).toHaveLength(BUCKETS.length + 3);
    for (const [logicalId, bucket] of Object.entries(buckets)) {
      expect(bucket.DeletionPolicy, logicalId).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration, logicalId).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, logicalId).toBeDefined();
    }
    for (const name of BUCKETS) {
      const bucket = buckets[logicalIdOf(stacks.data.buckets[name])];
      expect(bucket?.Properties.LoggingConfiguration, name).toEqual({
        DestinationBucketName: { Ref: logicalIdOf(stacks.data.accessLogsBucket) },
        LogFilePrefix: `${name}/`,
      });
    }
    expect(
      buckets[logicalIdOf(stacks.data.contentDelivery.logsBucket)]?.Properties.LoggingConfiguration,
    ).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(stacks.data.accessLogsBucket) },
      LogFilePrefix: 'content-distribution-logs/',
    });
  });

  it('denies every request that does not use TLS, on every bucket', () => {
    // Prepare
    const policies = Object.values(templates.data.findResources('AWS::S3::BucketPolicy'));
    const bucketIds = Object.keys(templates.data.findResources('AWS::S3::Bucket'));

    // Assess
    for (const bucketId of bucketIds) {
      const policy = policies.find((p) => p.Properties.Bucket?.Ref === bucketId);
      expect(policy, bucketId).toBeDefined();
      expect(policy?.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('versions content and backups, locks backups (governance), expires uploads after 7 days', () => {
    // Prepare
    const props = (name: (typeof BUCKETS)[number]) =>
      templates.data.findResources('AWS::S3::Bucket')[logicalIdOf(stacks.data.buckets[name])]?.Properties;

    // Assess
    expect(props('content').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props('backups').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props('backups').ObjectLockEnabled).toBe(true);
    expect(props('backups').ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    });
    // Package uploads wait a week for processing; an import's files 90 days (apply reads its plan)
    expect(props('uploads').LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Prefix: 'packages/',
        ExpirationInDays: 7,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
      expect.objectContaining({
        Prefix: 'imports/',
        ExpirationInDays: 90,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ]);
  });
});

describe('LmsAuth', () => {
  it('has an admin-only, email, case-insensitive user pool with a strong password policy, optional TOTP MFA, threat protection, and email changes that wait for verification', () => {
    // Assess
    templates.auth.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
        // The LMS identifies people by email: a new address replaces the old one only once verified.
        AutoVerifiedAttributes: ['email'],
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      }),
    });
  });

  it('has one group per role', () => {
    // Prepare
    const groups = Object.values(templates.auth.findResources('AWS::Cognito::UserPoolGroup'));

    // Assess
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLES].sort());
  });

  it('has a public web client: no secret, SRP + refresh, authorization code flow, people writing only the attributes identity providers map', () => {
    // Assess
    templates.auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      // The hosted sign-in's access token may set up TOTP (admins need it for their role).
      AllowedOAuthScopes: Match.arrayWith(['openid', 'aws.cognito.signin.user.admin']),
      PreventUserExistenceErrors: 'ENABLED',
      // Exactly the targets of COGNITO_ATTRIBUTE (federated sign-in fails on a mapped attribute the client
      // may not write): never email_verified, phone or the rest.
      WriteAttributes: [
        'custom:department',
        'custom:employee_id',
        'custom:idp_groups',
        'email',
        'family_name',
        'given_name',
      ],
      ReadAttributes: Match.absent(),
    });
  });
});

describe('LmsAuth Cognito triggers', () => {
  it('has exactly one function per cognito-trigger job of the manifest, built from its handler and sized as it says', () => {
    // Assess
    expect(cognitoTriggerJobs.length).toBeGreaterThan(0);
    expect([...stacks.auth.triggerFunctions.keys()].sort()).toEqual(
      cognitoTriggerJobs.map((j) => j.id).sort(),
    );
    for (const job of cognitoTriggerJobs) {
      const fn = triggerFunction(job);
      const properties = functionProperties(templates.auth, fn);
      expect(fn.entryModule, job.id).toBe(job.handler);
      expect(fn.node.id, job.id).toBe(job.id);
      expect(properties.MemorySize, job.id).toBe(job.memoryMb ?? 512);
      expect(properties.Timeout, job.id).toBe(job.timeoutSeconds ?? 60);
      expect(properties.Runtime, job.id).toBe('nodejs24.x');
      expect(properties.Architectures, job.id).toEqual(['arm64']);
      expect(properties.TracingConfig, job.id).toEqual({ Mode: 'Active' });
      // Cognito waits at most 5 s for a trigger: a longer timeout would only hide a hung sign-in.
      expect(properties.Timeout, job.id).toBeLessThanOrEqual(5);
    }
  });

  it("names each trigger function in the pool's LambdaConfig under its manifest operation, and nothing else", () => {
    // Prepare
    const [pool] = Object.values(templates.auth.findResources('AWS::Cognito::UserPool'));
    const expected = Object.fromEntries(
      cognitoTriggerJobs.map((job) => [
        job.trigger.operation,
        { 'Fn::GetAtt': [logicalIdOf(triggerFunction(job)), 'Arn'] },
      ]),
    );

    // Assess
    expect(pool?.Properties.LambdaConfig).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual([
      'PostAuthentication',
      'PostConfirmation',
      'PreSignUp',
      'PreTokenGeneration',
    ]);
  });

  it('binds each trigger function to exactly what its job needs, never with USER_POOL_ID (the event carries it)', () => {
    for (const job of cognitoTriggerJobs) {
      // Prepare
      const fn = triggerFunction(job);
      const properties = functionProperties(templates.auth, fn);

      // Assess
      expectVariablesMatchNeeds(properties, job.needs, job.id, true);
      expect(Object.keys(properties.Environment.Variables), job.id).not.toContain(ENV.userPoolId);
      expectGrantsMatchNeeds(templates.auth, fn, job.needs, job.id);
    }
  });

  it('requires TOTP for admin tokens: ADMIN_MFA=required on the pre-token-generation trigger, and on no other', () => {
    for (const job of cognitoTriggerJobs) {
      // Prepare
      const variables = functionProperties(templates.auth, triggerFunction(job)).Environment.Variables;

      // Assess
      expect(variables[ENV.adminMfa], job.id).toBe(
        job.trigger.operation === 'PreTokenGeneration' ? 'required' : undefined,
      );
    }
  });

  it('lets the pre sign-up trigger list and link users on this pool only, through a policy the function does not wait for', () => {
    // Prepare
    const job = cognitoTriggerJobs.find((j) => j.trigger.operation === 'PreSignUp');
    if (!job) throw new Error('No PreSignUp trigger in the job manifest');
    const fn = triggerFunction(job);
    const policies = policiesOfRole(templates.auth, fn);
    const poolPolicies = Object.entries(policies).filter(([, policy]) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('cognito-idp:'),
    );
    const fnResource = templates.auth.findResources('AWS::Lambda::Function')[logicalIdOf(fn)];

    // Assess: the link actions, in one policy of their own (not the role's default policy), on the pool's ARN
    expect(job.needs.userPool).toBe('link');
    expect(poolPolicies).toHaveLength(1);
    const [policyId = '', policy] = poolPolicies[0] ?? [];
    expect(policyId).not.toMatch(/DefaultPolicy/);
    const statements = policy?.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Effect).toBe('Allow');
    expect(new Set(asArray(statements[0]?.Action))).toEqual(
      new Set([
        'cognito-idp:ListUsers',
        'cognito-idp:AdminLinkProviderForUser',
        'cognito-idp:AdminListGroupsForUser',
      ]),
    );
    expect(statements[0]?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(stacks.auth.userPool), 'Arn'] });
    // The function does not wait for it (the pool waits for the function, the policy for the pool).
    expect(asArray(fnResource?.DependsOn as string | string[] | undefined)).not.toContain(policyId);
    // No other policy of its role names a cognito-idp action.
    const defaultActions = Object.entries(policies)
      .filter(([id]) => id !== policyId)
      .flatMap(([, p]) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => asArray(s.Action)),
      );
    expect(defaultActions.filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
  });

  it('gives the triggers that do not need the pool nothing but their table grants, in their default policy', () => {
    // Prepare
    const others = cognitoTriggerJobs.filter((job) => !job.needs.userPool);

    // Assess
    expect(others.map((job) => job.id).sort()).toEqual(['postAuthentication']);
    for (const job of others) {
      const fn = triggerFunction(job);
      const dataActions = statementsOf(templates.auth, fn)
        .flatMap((s) => asArray(s.Action))
        .filter((a) => DATA_ACTIONS.test(a));
      expect(dataActions.length, job.id).toBeGreaterThan(0);
      expect(
        dataActions.filter((a) => !a.startsWith('dynamodb:')),
        job.id,
      ).toEqual([]);
      expect(Object.keys(policiesOfRole(templates.auth, fn)), job.id).toEqual([
        expect.stringMatching(/DefaultPolicy/),
      ]);
    }
  });

  it('has no circular dependency among its resources (pool, triggers, their roles and policies)', () => {
    // Assess: Template.fromStack refuses a template whose resources depend on each other in a cycle.
    expect(() => Template.fromStack(stacks.auth)).not.toThrow();
  });

  it('lets only cognito-idp.amazonaws.com invoke each trigger, and only on behalf of this pool', () => {
    // Prepare
    const poolId = logicalIdOf(stacks.auth.userPool);
    const permissions = Object.values(templates.auth.findResources('AWS::Lambda::Permission'));

    // Assess: one permission per trigger, none other
    expect(permissions).toHaveLength(cognitoTriggerJobs.length);
    for (const job of cognitoTriggerJobs) {
      const fnId = logicalIdOf(triggerFunction(job));
      const mine = permissions.filter(
        (p) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      );
      expect(mine, job.id).toHaveLength(1);
      expect(mine[0]?.Properties, job.id).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      });
    }
  });

  it('acknowledges only the dead-letter-queue rule on a trigger function (synchronous invocation)', () => {
    for (const job of cognitoTriggerJobs) {
      // Prepare
      const fn = triggerFunction(job);
      const ids = collectAcknowledgements([fn])
        .filter((ack) => ack.path === fn.node.path)
        .map((ack) => ack.id);

      // Assess: only the DLQ rule, which cannot apply; nodejs24.x is the latest runtime, so nothing pins it
      expect(ids, job.id).toEqual(['Serverless-LambdaDLQ']);
    }
  });

  it('takes its jobs from a prop: no trigger without one, a clear error when its stack lacks a need, a pool need without a cycle', () => {
    // Prepare
    const trigger: CognitoTriggerJob = {
      id: 'customTrigger',
      name: 'custom-trigger',
      handler: 'functions/identity/custom-trigger.ts',
      summary: 'A trigger for this test',
      trigger: { kind: 'cognito-trigger', operation: 'PostAuthentication' },
      needs: { table: 'read' },
    };
    const build = (jobsOfStack: readonly JobDefinition[], withTable: boolean) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const table = withTable ? Table.fromTableName(new Stack(app, 'Data'), 'Table', 'table') : undefined;
      return new AuthStack(app, 'Auth', { jobs: jobsOfStack, table });
    };

    // Act + Assess
    const none = build([], false);
    expect(none.triggerFunctions.size).toBe(0);
    expect(none.resolve((none.userPool.node.defaultChild as CfnUserPool).lambdaConfig)).toBeUndefined();
    const one = build([trigger], true);
    expect([...one.triggerFunctions.keys()]).toEqual(['customTrigger']);
    expect(() => build([trigger], false)).toThrow(/needs the table \(read\).*pass the table/);
    const describing = build([{ ...trigger, needs: { userPool: 'describe' } }], false);
    const describingFn = describing.triggerFunctions.get('customTrigger') as LmsFunction;
    // Template.fromStack throws on a dependency cycle ("Template is undeployable").
    const describingTemplate = Template.fromStack(describing);
    expect(
      Object.keys(functionProperties(describingTemplate, describingFn).Environment.Variables),
    ).not.toContain(ENV.userPoolId);
    expect(
      statementsOf(describingTemplate, describingFn).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('cognito-idp:')),
      ),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: 'cognito-idp:DescribeUserPool',
        Resource: { 'Fn::GetAtt': [logicalIdOf(describing.userPool), 'Arn'] },
      },
    ]);
    expect(() => build([{ ...trigger, needs: { buckets: { uploads: 'read' } } }], true)).toThrow(
      /needs the uploads bucket \(read\).*pass the buckets/,
    );
  });
});

describe('LmsApi functions', () => {
  it('has exactly one function per manifest route, built from the route handler, in the nested stack of its tag', () => {
    // Assess: LmsApi itself holds only the request authorizer; each nested stack holds exactly the functions
    // of its tag's routes
    templates.api.resourceCountIs('AWS::Lambda::Function', 1);
    expect([...stacks.api.functions.keys()].sort()).toEqual(routes.map((route) => route.id).sort());
    expect([...stacks.api.functionStacks.keys()].sort()).toEqual(
      [...new Set(routes.map((r) => r.tag))].sort(),
    );
    for (const [tag, stack] of stacks.api.functionStacks) {
      expect(stack.nestedStackParent, tag).toBe(stacks.api);
      expect(stack.node.id, tag).toBe(functionStackId(tag));
      expect(stack.node.id, tag).toMatch(/^Functions[A-Za-z0-9]+$/);
      templateOf(stack).resourceCountIs(
        'AWS::Lambda::Function',
        routes.filter((route) => route.tag === tag).length,
      );
    }
    for (const route of routes) {
      const fn = apiFunction(route);
      expect(fn.entryModule, route.id).toBe(route.handler);
      expect(fn.node.id, route.id).toBe(route.id);
      expect(Stack.of(fn), route.id).toBe(stacks.api.functionStacks.get(route.tag));
    }
  });

  it('runs every function on nodejs24.x, arm64, with tracing, source maps, 512 MB, its timeout (10 s unless the route says) and its own log group', () => {
    // Assess
    expect(LMS_RUNTIME.name).toBe('nodejs24.x');
    for (const route of routes) {
      const fn = routeFunction(route);
      expect(fn.Runtime, route.id).toBe('nodejs24.x');
      expect(fn.Architectures, route.id).toEqual(['arm64']);
      expect(fn.TracingConfig, route.id).toEqual({ Mode: 'Active' });
      expect(fn.MemorySize, route.id).toBe(512);
      expect(fn.Timeout, route.id).toBe(route.timeoutSeconds ?? 10);
      expect(fn.Environment.Variables, route.id).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lms-admin',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [ENV.stage]: 'prod',
      });
      const logGroupId = fn.LoggingConfig?.LogGroup?.Ref as string;
      const logGroups = templateOf(apiFunction(route)).findResources('AWS::Logs::LogGroup');
      expect(logGroups[logGroupId]?.Properties.RetentionInDays, route.id).toBe(30);
    }
  });

  it('sets a resource variable exactly when the route needs the resource', () => {
    // Assess
    for (const route of routes) {
      expectVariablesMatchNeeds(routeFunction(route), route.needs, route.id);
    }
  });

  it('grants each function exactly what its route needs', () => {
    for (const route of routes) {
      // Assess
      expectGrantsMatchNeeds(templateOf(apiFunction(route)), apiFunction(route), route.needs, route.id);
    }
  });

  it('binds the content routes to exactly the buckets they name: upload requests, accessibility reports', () => {
    for (const route of [requestPackageUpload, getAccessibilityReport]) {
      // Prepare
      const statements = statementsOf(templateOf(apiFunction(route)), apiFunction(route));
      const bucketsTouched = BUCKETS.filter((name) =>
        statements.some((s) => JSON.stringify(s.Resource).includes(logicalIdOf(stacks.data.buckets[name]))),
      );

      // Assess
      expect(route.needs.buckets, route.id).toBeDefined();
      expect(bucketsTouched.sort(), route.id).toEqual(Object.keys(route.needs.buckets ?? {}).sort());
      expectGrantsMatchNeeds(templateOf(apiFunction(route)), apiFunction(route), route.needs, route.id);
    }
  });

  it('scopes object access to the one prefix a content route touches: uploads under packages/, reports under reports/', () => {
    // Prepare
    const objectResources = (route: RouteDefinition, bucket: (typeof BUCKETS)[number]) =>
      statementsOf(templateOf(apiFunction(route)), apiFunction(route))
        .filter((s) => asArray(s.Action).some((a) => a !== 's3:ListBucket' && a.startsWith('s3:')))
        .flatMap((s) => asArray(s.Resource))
        .filter((r) => JSON.stringify(r).includes(logicalIdOf(stacks.data.buckets[bucket])))
        .map((r) => ((r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[]).at(-1));

    // Assess
    expect(objectResources(requestPackageUpload, 'uploads')).toEqual(['/packages/*']);
    expect(objectResources(completePackageUpload, 'uploads')).toEqual(['/packages/*']);
    expect(objectResources(getAccessibilityReport, 'content')).toEqual(['/reports/*']);
  });
});

describe('IAM', () => {
  it('never grants a wildcard action or a "*" resource on DynamoDB, S3 or Cognito', () => {
    // Prepare
    const statements = [
      templates.data,
      templates.auth,
      templates.api,
      ...functionTemplates.values(),
      templates.jobs,
    ].flatMap(allowStatements);

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = asArray(statement.Action);
      expect(actions).not.toContain('*');
      const dataActions = actions.filter((action) => DATA_ACTIONS.test(action));
      for (const action of dataActions) expect(action).not.toContain('*');
      if (dataActions.length > 0) expect(asArray(statement.Resource)).not.toContain('*');
    }
  });

  it('attaches no AWS managed policy to any route, job or Cognito trigger function role', () => {
    const functions: [Template, LmsFunction][] = [
      ...[...stacks.api.functions.values()].map((fn): [Template, LmsFunction] => [templateOf(fn), fn]),
      ...[...stacks.jobs.functions.values()].map((fn): [Template, LmsFunction] => [templates.jobs, fn]),
      ...[...stacks.auth.triggerFunctions.values()].map((fn): [Template, LmsFunction] => [
        templates.auth,
        fn,
      ]),
    ];
    for (const [template, fn] of functions) {
      // Prepare
      const roleId = functionProperties(template, fn).Role['Fn::GetAtt'][0] as string;

      // Assess
      expect(
        template.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns,
        fn.node.path,
      ).toBe(undefined);
    }
  });
});

describe('CloudFormation limits', () => {
  it('keeps every stack, LmsApi and each of its nested function stacks, well under 500 resources', () => {
    // Prepare: resources per stack (CloudFormation refuses a stack of more than 500)
    const all: [Stack, Template][] = [
      [stacks.data, templates.data],
      [stacks.auth, templates.auth],
      [stacks.api, templates.api],
      ...functionTemplates.entries(),
      [stacks.jobs, templates.jobs],
    ];
    const counts = Object.fromEntries(
      all.map(([stack, template]) => [
        stack.node.path,
        Object.keys(template.toJSON().Resources ?? {}).length,
      ]),
    );
    console.info(`Resources per stack: ${JSON.stringify(counts)}`);

    // Assess: a margin of 50, so growth of the manifests is caught long before a deployment fails
    expect(functionTemplates.size).toBeGreaterThan(1);
    for (const [path, count] of Object.entries(counts))
      expect(count, `${path}: ${count} resources`).toBeLessThan(450);
  });
});

describe('LmsApi REST API', () => {
  it('is a regional REST API with its URL as an output', () => {
    // Assess
    templates.api.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    templates.api.hasOutput('ApiUrl', {});
  });

  it("integrates each route with its own function through a Lambda proxy integration, both in its tag's nested stack", () => {
    for (const route of routes) {
      // Prepare
      const method = methodResource(route);
      const fn = apiFunction(route);

      // Assess: the method is beside its function (LmsApi keeps only the paths and their preflights)
      expect(Stack.of(method.construct), route.id).toBe(stacks.api.functionStacks.get(route.tag));
      expect(Stack.of(fn), route.id).toBe(Stack.of(method.construct));
      expect(method.properties.Integration.Type, route.id).toBe('AWS_PROXY');
      expect(JSON.stringify(method.properties.Integration.Uri), route.id).toContain(
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(fn), 'Arn'] }),
      );
    }
  });

  it('puts the request authorizer on every non-public route and on no public one', () => {
    // Prepare
    const authorizers = templates.api.findResources('AWS::ApiGateway::Authorizer');
    const [authorizerId] = Object.keys(authorizers);
    const authorizer = authorizers[authorizerId as string]?.Properties;

    // Assess: one REQUEST authorizer on the Authorization header, cached per token for a minute at most (a
    // suspended profile or a revoked client is refused within it)
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(authorizer).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
    });
    for (const route of routes) {
      const method = methodResource(route);
      if ('public' in route.access) {
        expect(method.properties.AuthorizationType, route.id).toBe('NONE');
        expect(method.properties.AuthorizerId, route.id).toBeUndefined();
      } else {
        // The nested stack receives the authorizer's id from LmsApi as a parameter.
        expect(method.properties.AuthorizationType, route.id).toBe('CUSTOM');
        const parameter = (method.properties.AuthorizerId as { Ref: string }).Ref;
        const nested = stacks.api.functionStacks.get(route.tag) as NestedStack;
        const stackResource = templates.api.findResources('AWS::CloudFormation::Stack')[
          logicalIdOf(nested.nestedStackResource as IConstruct)
        ];
        expect(stackResource?.Properties.Parameters[parameter], route.id).toEqual({ Ref: authorizerId });
      }
    }
  });

  it("gives the authorizer the pool and the web client to verify tokens against, table reads, and UpdateItem on the table alone (a SCIM token's lastUsedAt)", () => {
    // Prepare
    const functions = templates.api.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { WEB_CLIENT_ID: Match.anyValue() } } },
    });
    const [, authorizerFunction] = Object.entries(functions)[0] ?? [];

    // Assess
    expect(Object.keys(functions)).toHaveLength(1);
    expect(authorizerFunction?.Properties.Environment.Variables).toMatchObject({
      USER_POOL_ID: { 'Fn::ImportValue': expect.stringContaining('UserPool') },
      WEB_CLIENT_ID: { 'Fn::ImportValue': expect.stringContaining('WebClient') },
    });
    const policies = JSON.stringify(templates.api.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('cognito-idp:');
    // It reads the table (machine clients' records, SCIM tokens), and its one write is UpdateItem on the
    // table itself, not its indexes
    expect(authorizerFunction?.Properties.Environment.Variables).toHaveProperty('TABLE_NAME');
    for (const write of TABLE_WRITE_ACTIONS.filter((action) => action !== 'dynamodb:UpdateItem'))
      expect(policies, write).not.toContain(`"${write}"`);
    const updates = Object.values(templates.api.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((statement) => [statement.Action].flat().includes('dynamodb:UpdateItem'));
    expect(updates).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::ImportValue': expect.stringContaining('Table') },
      },
    ]);
  });

  it('declares the lms resource server with every scope routes name', () => {
    // Prepare
    const servers = Object.values(templates.auth.findResources('AWS::Cognito::UserPoolResourceServer'));
    const named = new Set(
      routes.flatMap((route) => ('public' in route.access ? [] : (route.access.scopes ?? []))),
    );

    // Assess
    expect(servers).toHaveLength(1);
    expect(servers[0]?.Properties.Identifier).toBe('lms');
    const declared = ((servers[0]?.Properties.Scopes ?? []) as { ScopeName: string }[]).map(
      (scope) => `lms/${scope.ScopeName}`,
    );
    expect(declared.sort()).toEqual([...SCOPE_NAMES].sort());
    for (const scope of named) expect(declared).toContain(scope);
  });

  it('answers CORS preflight on every route path', () => {
    // Prepare
    const paths = new Set(routes.map((route) => route.path));

    // Assess
    for (const path of paths) {
      const options = stacks.api.api.methods.find(
        (m) => m.httpMethod === 'OPTIONS' && m.resource.path === path,
      );
      expect(options, path).toBeDefined();
    }
  });

  it('logs access as JSON, traces, records metrics and throttles the stage', () => {
    // Assess
    templates.api.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{.*\\}$') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
    const stage = Object.values(templates.api.findResources('AWS::ApiGateway::Stage'))[0];
    expect(() => JSON.parse(stage?.Properties.AccessLogSetting.Format)).not.toThrow();
  });

  it('associates a regional WAF web ACL with the stage: AWS managed rule groups plus a per-IP rate limit', () => {
    // Prepare
    const [webAclId] = Object.keys(templates.api.findResources('AWS::WAFv2::WebACL'));
    const [stageId] = Object.keys(templates.api.findResources('AWS::ApiGateway::Stage'));

    // Assess
    templates.api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith(
        [
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
          'AWSManagedRulesAmazonIpReputationList',
        ].map((name) =>
          Match.objectLike({
            Name: name,
            Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: name }) },
          }),
        ),
      ),
    });
    templates.api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) },
        }),
      ]),
    });
    const association = Object.values(templates.api.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    expect(association?.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [webAclId, 'Arn'] });
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain(stageId);
  });

  it("limits the SCIM endpoints' requests per caller with a rule of their own: 1500 a minute, then 429 with Retry-After and a SCIM error body", () => {
    // Prepare
    const [webAcl] = Object.values(templates.api.findResources('AWS::WAFv2::WebACL'));
    const rules = webAcl?.Properties.Rules as Json[];
    const scimPath = {
      RegexMatchStatement: {
        RegexString: '^(/[^/]+)?/scim/v2(/|$)',
        FieldToMatch: { UriPath: {} },
        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
      },
    };

    // Assess: the SCIM paths, as the client sent them (with the stage on the execute-api URL)
    expect(rules.find((rule) => rule.Name === 'ScimRateLimit')).toEqual({
      Name: 'ScimRateLimit',
      Priority: 4,
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: 'ScimThrottled',
            ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
          },
        },
      },
      Statement: {
        RateBasedStatement: {
          Limit: 1500,
          EvaluationWindowSec: 60,
          AggregateKeyType: 'IP',
          ScopeDownStatement: scimPath,
        },
      },
      VisibilityConfig: {
        CloudWatchMetricsEnabled: true,
        MetricName: 'ScimRateLimit',
        SampledRequestsEnabled: true,
      },
    });
    expect(webAcl?.Properties.CustomResponseBodies).toEqual({
      ScimThrottled: {
        ContentType: 'APPLICATION_JSON',
        Content: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '429',
          detail:
            'Too many requests: at most 1500 every 60 seconds per caller on /scim/v2. Retry after the seconds in Retry-After.',
        }),
      },
    });
    // Every other path keeps the per-IP limit: each request counts in exactly one of the two
    expect(rules.find((rule) => rule.Name === 'RateLimitPerIp')?.Statement).toEqual({
      RateBasedStatement: {
        Limit: 1000,
        EvaluationWindowSec: 300,
        AggregateKeyType: 'IP',
        ScopeDownStatement: { NotStatement: { Statement: scimPath } },
      },
    });
  });

  it('renders API Gateway errors as problem+json with a request id', () => {
    // Prepare
    const responses = Object.values(templates.api.findResources('AWS::ApiGateway::GatewayResponse'));

    // Assess
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED']) {
      const response = responses.find((r) => r.Properties.ResponseType === type);
      if (!response) throw new Error(`No gateway response for ${type}`);
      expect(response.Properties.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      // API Gateway substitutes the variables; $context.error.messageString is already a quoted JSON string.
      const body = (response.Properties.ResponseTemplates['application/json'] as string)
        .replace('$context.error.messageString', '"Unauthorized"')
        .replace('$context.requestId', 'c0ffee');
      const problem = JSON.parse(body);
      expect(problem).toEqual({
        type: 'about:blank',
        title: expect.any(String),
        status: Number(response.Properties.StatusCode),
        detail: 'Unauthorized',
        requestId: 'c0ffee',
      });
    }
  });
});

describe('LmsData content delivery (CloudFront)', () => {
  it('reads the content bucket through origin access control, with origin path /courses', () => {
    // Prepare
    const [oacId] = Object.keys(templates.data.findResources('AWS::CloudFront::OriginAccessControl'));
    const config = distributionConfig();

    // Assess
    templates.data.resourceCountIs('AWS::CloudFront::Distribution', 1);
    templates.data.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    templates.data.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    expect(config.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [logicalIdOf(stacks.data.buckets.content), 'RegionalDomainName'] },
        OriginPath: `/${SERVED_PREFIX}`,
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    expect(SERVED_PREFIX).toBe('courses');
  });

  it('redirects HTTP to HTTPS, serves GET/HEAD only, with a cache policy for immutable files and security headers', () => {
    // Prepare
    const behavior = distributionConfig().DefaultCacheBehavior;
    const cachePolicies = templates.data.findResources('AWS::CloudFront::CachePolicy');
    const headerPolicies = templates.data.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    const cache = cachePolicies[behavior.CachePolicyId.Ref]?.Properties.CachePolicyConfig;
    const headers =
      headerPolicies[behavior.ResponseHeadersPolicyId.Ref]?.Properties.ResponseHeadersPolicyConfig;

    // Assess
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(behavior.Compress).toBe(true);
    expect(cache.DefaultTTL).toBeGreaterThanOrEqual(7 * 24 * 3600);
    expect(cache.MaxTTL).toBeGreaterThanOrEqual(cache.DefaultTTL);
    expect(cache.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      CookiesConfig: { CookieBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
    expect(headers.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: expect.any(Number), Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
    expect(
      headers.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec,
    ).toBeGreaterThanOrEqual(365 * 24 * 3600);
  });

  it('logs access to its own bucket, which keeps ACLs on as CloudFront standard logging requires', () => {
    // Prepare
    const logsBucketId = logicalIdOf(stacks.data.contentDelivery.logsBucket);

    // Assess
    expect(distributionConfig().Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logsBucketId, 'RegionalDomainName'] },
      Prefix: 'distribution/',
    });
    expect(
      templates.data.findResources('AWS::S3::Bucket')[logsBucketId]?.Properties.OwnershipControls,
    ).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
  });

  it('lets only this distribution read, only s3:GetObject, only courses/* of the content bucket', () => {
    // Prepare
    const distributionId = logicalIdOf(stacks.data.contentDelivery.distribution);
    const contentId = logicalIdOf(stacks.data.buckets.content);
    const allows = bucketPolicyStatements(stacks.data.buckets.content).filter((s) => s.Effect === 'Allow');

    // Assess
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [contentId, 'Arn'] }, `/${SERVED_PREFIX}/*`]] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId },
                ],
              ],
            },
          },
        },
      }),
    ]);
  });

  it('grants CloudFront nothing on the uploads and backups buckets', () => {
    for (const name of ['uploads', 'backups'] as const) {
      // Assess
      expect(
        bucketPolicyStatements(stacks.data.buckets[name]).filter((s) => s.Effect === 'Allow'),
        name,
      ).toEqual([]);
    }
  });

  it('outputs the distribution domain name', () => {
    // Assess
    templates.data.hasOutput('ContentDistributionDomainName', {
      Value: { 'Fn::GetAtt': [logicalIdOf(stacks.data.contentDelivery.distribution), 'DomainName'] },
    });
  });
});

describe('LmsJobs', () => {
  it('has exactly one function per job of the manifest except the Cognito triggers, built from the job handler', () => {
    // Assess
    expect([...stacks.jobs.functions.keys()].sort()).toEqual(lmsJobsJobs.map((job) => job.id).sort());
    for (const job of lmsJobsJobs) {
      expect(jobFunction(job).entryModule, job.id).toBe(job.handler);
      expect(jobFunction(job).node.id, job.id).toBe(job.id);
    }
  });

  it('has no function, queue or alarm for a Cognito-trigger job (those live in LmsAuth, with the pool)', () => {
    // Prepare
    const descriptions = Object.values(templates.jobs.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Description as string | undefined,
    );

    // Assess
    expect(cognitoTriggerJobs.length).toBeGreaterThan(0);
    expect(descriptions.filter((d) => d?.startsWith('Job '))).toHaveLength(lmsJobsJobs.length);
    for (const job of cognitoTriggerJobs) {
      expect(stacks.jobs.functions.has(job.id), job.id).toBe(false);
      expect(stacks.jobs.failureQueues.has(job.id), job.id).toBe(false);
      expect(stacks.jobs.failureAlarms.has(job.id), job.id).toBe(false);
      expect(stacks.jobs.node.tryFindChild(job.id), job.id).toBeUndefined();
      expect(
        descriptions.filter((d) => d?.startsWith(`Job ${job.name}:`)),
        job.id,
      ).toEqual([]);
    }
    expect(
      Object.values(templates.jobs.findResources('AWS::Lambda::Permission')).filter(
        (p) => p.Properties.Principal === 'cognito-idp.amazonaws.com',
      ),
    ).toEqual([]);
  });

  it('sizes each function as its job says: memory, timeout, /tmp, Node options; nodejs24.x on arm64 with tracing', () => {
    for (const job of lmsJobsJobs) {
      // Prepare
      const fn = functionProperties(templates.jobs, jobFunction(job));

      // Assess
      expect(fn.MemorySize, job.id).toBe(job.memoryMb ?? 512);
      expect(fn.Environment.Variables.NODE_OPTIONS, job.id).toBe(
        ['--enable-source-maps', ...(job.nodeOptions ?? [])].join(' '),
      );
      expect(fn.Timeout, job.id).toBe(job.timeoutSeconds ?? 60);
      expect(fn.EphemeralStorage, job.id).toEqual({ Size: job.ephemeralStorageMb ?? 512 });
      expect(fn.Runtime, job.id).toBe('nodejs24.x');
      expect(fn.Architectures, job.id).toEqual(['arm64']);
      expect(fn.TracingConfig, job.id).toEqual({ Mode: 'Active' });
    }
    // The package processor is the job that needs more than the defaults, and small semi-spaces for its peak
    // memory (see processPackage in the job manifest).
    const processor = functionProperties(templates.jobs, jobFunction(uploadJobs()[0] as JobDefinition));
    expect(processor.EphemeralStorage.Size).toBeGreaterThan(512);
    expect(processor.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=1');
  });

  it('binds each function to exactly what its job needs', () => {
    for (const job of lmsJobsJobs) {
      // Assess
      const fn = jobFunction(job);
      expectVariablesMatchNeeds(functionProperties(templates.jobs, fn), job.needs, job.id);
      expectGrantsMatchNeeds(templates.jobs, fn, job.needs, job.id, job.trigger.kind === 'audit-stream');
    }
  });

  it('lets the package processor write content and read/delete uploads under packages/ only, and nothing on backups', () => {
    // Prepare
    const statements = statementsOf(templates.jobs, jobFunction(uploadJobs()[0] as JobDefinition));
    const actionsOn = (name: (typeof BUCKETS)[number], tail: string) =>
      statements
        .filter((s) =>
          asArray(s.Resource).some(
            (r) =>
              JSON.stringify(r).includes(logicalIdOf(stacks.data.buckets[name])) &&
              JSON.stringify(r).endsWith(tail),
          ),
        )
        .flatMap((s) => asArray(s.Action));

    // Assess
    expect(actionsOn('content', '"/*"]]}')).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:DeleteObject']),
    );
    expect(actionsOn('uploads', '"/packages/*"]]}')).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:DeleteObject']),
    );
    expect(actionsOn('uploads', '"/*"]]}')).toEqual([]);
    expect(actionsOn('backups', '')).toEqual([]);
  });

  it("runs each scheduled job from an EventBridge Scheduler schedule at its rate, in the jobs' group, with retries and its dead-letter queue", () => {
    const scheduled = jobs.filter((job): job is ScheduledJob => job.trigger.kind === 'schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    const schedules = Object.values(templates.jobs.findResources('AWS::Scheduler::Schedule'));
    const group = templates.jobs.findResources('AWS::Scheduler::ScheduleGroup')[
      logicalIdOf(stacks.jobs.scheduleGroup)
    ];
    expect(group?.Properties.Name).toEqual(expect.any(String));
    // One schedule per scheduled job, and no EventBridge rule runs on a schedule any more
    expect(schedules).toHaveLength(scheduled.length);
    const scheduledRules = Object.values(templates.jobs.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.ScheduleExpression !== undefined,
    );
    expect(scheduledRules).toEqual([]);
    for (const job of scheduled) {
      // Prepare
      const fnId = logicalIdOf(jobFunction(job));
      const queueId = logicalIdOf(failureQueue(job));
      const own = schedules.filter(
        (schedule) =>
          JSON.stringify(schedule.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      );

      // Assess: CDK writes whole hours and days as such (60 minutes is `rate(1 hour)`)
      expect(own, job.id).toHaveLength(1);
      const schedule = own[0]?.Properties;
      expect(rateInMinutes(schedule.ScheduleExpression), job.id).toBe(job.trigger.everyMinutes);
      expect(schedule.State, job.id).toBe('ENABLED');
      expect(schedule.FlexibleTimeWindow, job.id).toEqual({ Mode: 'OFF' });
      expect(schedule.GroupName, job.id).toBe(group?.Properties.Name);
      expect(schedule.Target.DeadLetterConfig, job.id).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(schedule.Target.RetryPolicy, job.id).toEqual({
        MaximumRetryAttempts: 2,
        // The next tick makes an older event worthless; at least a minute, at most Lambda's 6 hours
        MaximumEventAgeInSeconds: Math.min(Math.max(job.trigger.everyMinutes * 60, 60), 6 * 3600),
      });
      expect(SCHEDULE_DELIVERY_RETRY_ATTEMPTS).toBe(2);
      // What the handlers read from an EventBridge scheduled event, filled in by Scheduler at each invocation
      expect(JSON.parse(schedule.Target.Input), job.id).toEqual({
        id: '<aws.scheduler.execution-id>',
        time: '<aws.scheduler.scheduled-time>',
        'detail-type': 'Scheduled Event',
      });
      expect(asyncInvokeConfig(job), job.id).toMatchObject({
        MaximumRetryAttempts: SCHEDULED_JOB_RETRY_ATTEMPTS,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
  });

  it("gives each schedule a role of its own that may invoke that job's function and send to its dead-letter queue, nothing else, assumed by the jobs' schedule group alone", () => {
    const scheduled = jobs.filter((job): job is ScheduledJob => job.trigger.kind === 'schedule');
    const schedules = Object.values(templates.jobs.findResources('AWS::Scheduler::Schedule'));
    const roles = templates.jobs.findResources('AWS::IAM::Role');
    const policies = Object.values(templates.jobs.findResources('AWS::IAM::Policy'));
    for (const job of scheduled) {
      // Prepare
      const fnId = logicalIdOf(jobFunction(job));
      const schedule = schedules.find(
        (candidate) =>
          JSON.stringify(candidate.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      )?.Properties;
      const roleId = schedule?.Target.RoleArn['Fn::GetAtt'][0] as string;
      const statements = policies
        .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

      // Assess: the trust
      expect(roles[roleId]?.Properties.AssumeRolePolicyDocument.Statement, job.id).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf(stacks.jobs.scheduleGroup), 'Arn'] },
            },
          },
        },
      ]);
      expect(roles[roleId]?.Properties.ManagedPolicyArns, job.id).toBeUndefined();
      // Assess: what it may do (the function's versions and aliases are the same function)
      expect(statements, job.id).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: [
            { 'Fn::GetAtt': [fnId, 'Arn'] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] },
          ],
        },
        {
          Action: 'sqs:SendMessage',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalIdOf(failureQueue(job)), 'Arn'] },
        },
      ]);
    }
  });

  it("runs a job that follows LmsAuth's deploys from a rule on the default bus for LmsAuth's completed updates, delivered as its schedule is", () => {
    const following = jobs.filter(
      (job): job is ScheduledJob =>
        job.trigger.kind === 'schedule' && job.trigger.alsoAfterDeployOf !== undefined,
    );
    expect(following.map((job) => job.id)).toEqual(['resyncWebClientProviders', 'linkLogins']);
    for (const job of following) {
      // Prepare
      const fnId = logicalIdOf(jobFunction(job));
      const queueId = logicalIdOf(failureQueue(job));
      const rules = Object.values(templates.jobs.findResources('AWS::Events::Rule')).filter(
        (rule) =>
          rule.Properties.EventPattern !== undefined &&
          JSON.stringify(rule.Properties.Targets).includes(fnId),
      );

      // Assess: CloudFormation's own stack status events, which it sends to the default bus (no EventBusName)
      expect(rules, job.id).toHaveLength(1);
      const rule = rules[0]?.Properties;
      expect(rule.EventBusName, job.id).toBeUndefined();
      expect(rule.ScheduleExpression, job.id).toBeUndefined();
      expect(stacks.auth.stackName).toBe('LmsAuth');
      expect(rule.EventPattern, job.id).toEqual({
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        detail: {
          // The stack id is the stack ARN; its prefix up to the name survives the stack being created again.
          'stack-id': [
            {
              prefix: {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudformation:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':stack/LmsAuth/',
                  ],
                ],
              },
            },
          ],
          'status-details': { status: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] },
        },
      });
      expect(AFTER_DEPLOY_STATUSES).toEqual(['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);
      expect(rule.Targets, job.id).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: SCHEDULE_DELIVERY_RETRY_ATTEMPTS }),
        }),
      ]);
    }
    // No other rule listens to CloudFormation.
    const cloudFormationRules = Object.values(templates.jobs.findResources('AWS::Events::Rule')).filter(
      (rule) => JSON.stringify(rule.Properties.EventPattern ?? {}).includes('aws.cloudformation'),
    );
    expect(cloudFormationRules).toHaveLength(following.length);
  });

  it("repairs the web client's provider list every 15 minutes with web-client grants on LmsAuth's pool only, reading the table and writing nothing else", () => {
    // Prepare
    const job = resyncWebClientProviders;
    const fn = jobFunction(job);
    const variables = functionProperties(templates.jobs, fn).Environment.Variables;
    const statements = statementsOf(templates.jobs, fn);
    const actions = statements.flatMap((s) => asArray(s.Action));

    // Assess: the schedule and the needs
    expect(job.trigger).toEqual({ kind: 'schedule', everyMinutes: 15, alsoAfterDeployOf: 'auth' });
    expect(job.needs).toEqual({ table: 'read', userPool: 'web-client' });
    // The pool and the web client come from LmsAuth
    expect(variables).toMatchObject({
      USER_POOL_ID: { 'Fn::ImportValue': expect.stringMatching(/^LmsAuth:.*UserPool/) },
      WEB_CLIENT_ID: { 'Fn::ImportValue': expect.stringMatching(/^LmsAuth:.*WebClient/) },
    });
    // Every cognito-idp action in one statement, on that pool's ARN alone
    expect(statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('cognito-idp:')))).toEqual([
      {
        Effect: 'Allow',
        Action: [...USER_POOL_ACTIONS['web-client']].sort(),
        Resource: { 'Fn::ImportValue': expect.stringMatching(/^LmsAuth:.*UserPool.*Arn/) },
      },
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        'cognito-idp:DescribeIdentityProvider',
        'cognito-idp:DescribeUserPoolClient',
        'cognito-idp:UpdateUserPoolClient',
      ]),
    );
    // No identity-provider changes and no secrets: only relisting
    expect(
      actions.filter(
        (a) =>
          a.startsWith('secretsmanager:') ||
          (a.endsWith('IdentityProvider') && !a.endsWith('DescribeIdentityProvider')),
      ),
    ).toEqual([]);
    // Reads the table; no table write, no bucket, no bus
    expect(actions).toEqual(expect.arrayContaining(TABLE_READ_ACTIONS));
    for (const write of TABLE_WRITE_ACTIONS) expect(actions, write).not.toContain(write);
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('events:'))).toEqual([]);
  });

  it('depends on LmsAuth for the pool, while LmsAuth references nothing of LmsJobs (no cycle)', () => {
    // Assess
    expect(stacks.jobs.dependencies).toContain(stacks.auth);
    expect(stacks.auth.dependencies).not.toContain(stacks.jobs);
    expect(JSON.stringify(templates.auth.toJSON())).not.toContain('LmsJobs:');
  });

  it('refuses a job that follows the deploys of a stack it was not given', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const data = new Stack(app, 'Data');
    const table = Table.fromTableName(data, 'Table', 'table');
    const bucket = Bucket.fromBucketName(data, 'Bucket', 'bucket');
    const job: ScheduledJob = { ...resyncWebClientProviders, needs: { table: 'read' } };

    // Act + Assess
    expect(
      () =>
        new JobsStack(app, 'Jobs', {
          table,
          buckets: { uploads: bucket, content: bucket, backups: bucket, analytics: bucket },
          jobs: [job],
        }),
    ).toThrow(/runs after each deploy of the "auth" stack.*pass it in watchedStacks/);
  });

  it('delivers S3 object-created events of the uploads bucket (prefix, suffix) to each upload job', () => {
    const triggered = uploadJobs();
    expect(triggered.length).toBeGreaterThan(0);
    for (const job of triggered) {
      // Prepare
      const fnId = logicalIdOf(jobFunction(job));
      const bucketId = logicalIdOf(stacks.data.buckets[job.trigger.bucket]);
      const notifications = Object.values(templates.jobs.findResources('Custom::S3BucketNotifications'));
      const permissions = Object.values(templates.jobs.findResources('AWS::Lambda::Permission')).filter(
        (p) => p.Properties.Principal === 's3.amazonaws.com',
      );

      // Assess: S3 calls the function itself (S3Event, keys URL-encoded), for the job's prefix and suffix only
      expect(notifications).toHaveLength(1);
      const notification = notifications[0]?.Properties;
      expect(JSON.stringify(notification.BucketName), job.id).toContain(bucketId);
      // Managed: false: only the configurations added here are touched, not the whole bucket's.
      expect(notification.Managed, job.id).toBe(false);
      expect(notification.NotificationConfiguration.LambdaFunctionConfigurations, job.id).toContainEqual({
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: expect.arrayContaining([
              { Name: 'prefix', Value: job.trigger.prefix },
              { Name: 'suffix', Value: job.trigger.suffix },
            ]),
          },
        },
        LambdaFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
      expect(permissions, job.id).toContainEqual(
        expect.objectContaining({
          Properties: expect.objectContaining({
            FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
            SourceAccount: { Ref: 'AWS::AccountId' },
            SourceArn: expect.anything(),
          }),
        }),
      );
      const permission = permissions.find((p) => JSON.stringify(p.Properties.FunctionName).includes(fnId));
      expect(JSON.stringify(permission?.Properties.SourceArn), job.id).toContain(bucketId);
    }
  });

  it('retries an upload job twice (3 attempts, as the use case expects), then sends the event to its dead-letter queue', () => {
    for (const job of uploadJobs()) {
      // Assess
      expect(UPLOAD_JOB_RETRY_ATTEMPTS).toBe(2);
      expect(asyncInvokeConfig(job), job.id).toMatchObject({
        MaximumRetryAttempts: UPLOAD_JOB_RETRY_ATTEMPTS,
        MaximumEventAgeInSeconds: expect.any(Number),
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(failureQueue(job)), 'Arn'] } },
        },
      });
    }
  });

  it('gives every job an encrypted, TLS-only dead-letter queue with an alarm on its depth', () => {
    // A queue job's dead-letter queue is its queue's (LmsData, below)
    for (const job of lmsJobsJobs.filter((job) => job.trigger.kind !== 'queue')) {
      // Prepare
      const queueId = logicalIdOf(failureQueue(job));
      const queue = templates.jobs.findResources('AWS::SQS::Queue')[queueId];
      const policy = Object.values(templates.jobs.findResources('AWS::SQS::QueuePolicy')).find(
        (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
      );
      const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
        JSON.stringify(alarm.Properties.Dimensions).includes(queueId),
      );

      // Assess
      expect(queue?.Properties.SqsManagedSseEnabled, job.id).toBe(true);
      expect(queue?.Properties.MessageRetentionPeriod, job.id).toBe(14 * 24 * 3600);
      expect(policy?.Properties.PolicyDocument.Statement, job.id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      expect(alarms, job.id).toHaveLength(1);
      expect(alarms[0]?.Properties, job.id).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    }
  });

  it('has one custom event bus, the LMS domain-event bus', () => {
    // Assess
    templates.jobs.resourceCountIs('AWS::Events::EventBus', 1);
    templates.jobs.hasResourceProperties('AWS::Events::EventBus', { Name: LMS_EVENT_BUS_NAME });
    expect(LMS_EVENT_BUS_NAME).toMatch(/^lms-.*domain-events$/);
    expect(logicalIdOf(stacks.jobs.eventBus)).toBe(busId());
  });

  it('maps the table stream to the audit-stream job: new audit records only, bisect, bounded retries, failures to its queue', () => {
    const streamJobs = jobs.filter((job): job is AuditStreamJob => job.trigger.kind === 'audit-stream');
    expect(streamJobs.length).toBeGreaterThan(0);
    // Prepare
    const mappings = Object.values(templates.jobs.findResources('AWS::Lambda::EventSourceMapping'));
    const tableStream = `${logicalIdOf(stacks.data.table)}StreamArn`;

    // Assess: one stream mapping per audit-stream job, and none for any other job (queue jobs map their queue)
    const streamMappings = mappings.filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(streamMappings).toHaveLength(streamJobs.length);
    for (const job of streamJobs) {
      const fnId = logicalIdOf(jobFunction(job));
      const mapping = mappings.find(
        (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
      );
      expect(mapping, job.id).toBeDefined();
      const properties = mapping?.Properties;
      expect(JSON.stringify(properties.EventSourceArn), job.id).toContain(tableStream);
      expect(properties, job.id).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: AUDIT_STREAM_BATCH_SIZE,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: AUDIT_STREAM_RETRY_ATTEMPTS,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(failureQueue(job)), 'Arn'] } },
        },
      });
      expect(AUDIT_STREAM_BATCH_SIZE).toBeGreaterThanOrEqual(50);
      expect(AUDIT_STREAM_BATCH_SIZE).toBeLessThanOrEqual(200);
      expect(AUDIT_STREAM_RETRY_ATTEMPTS).toBeGreaterThan(0);
      expect(AUDIT_STREAM_RETRY_ATTEMPTS).toBeLessThanOrEqual(10);
      const filters = properties.FilterCriteria.Filters as { Pattern: string }[];
      expect(
        filters.map((filter) => JSON.parse(filter.Pattern)),
        job.id,
      ).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'AUDIT#' }] } } } }]);
      // Only the stream mapping invokes it: no asynchronous invoke configuration to keep in step.
      const configs = Object.values(templates.jobs.findResources('AWS::Lambda::EventInvokeConfig')).filter(
        (config) => JSON.stringify(config.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
      );
      expect(configs, job.id).toEqual([]);
    }
  });

  it('subscribes each domain-event job with one rule on the bus, for exactly its manifest event types', () => {
    const subscribers = jobs.filter((job): job is DomainEventJob => job.trigger.kind === 'domain-event');
    expect(subscribers.length).toBeGreaterThan(0);
    for (const job of subscribers) {
      // Prepare
      const fnId = logicalIdOf(jobFunction(job));
      const queueId = logicalIdOf(failureQueue(job));
      const rules = Object.values(templates.jobs.findResources('AWS::Events::Rule')).filter((rule) =>
        JSON.stringify(rule.Properties.Targets).includes(fnId),
      );

      // Assess
      expect(rules, job.id).toHaveLength(1);
      expect(rules[0]?.Properties.EventBusName, job.id).toEqual({ Ref: busId() });
      expect(rules[0]?.Properties.ScheduleExpression, job.id).toBeUndefined();
      expect(rules[0]?.Properties.EventPattern, job.id).toEqual({
        source: [EVENT_SOURCE],
        'detail-type': [...job.trigger.types],
      });
      expect(rules[0]?.Properties.Targets, job.id).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
        }),
      ]);
      expect(asyncInvokeConfig(job), job.id).toMatchObject({
        MaximumRetryAttempts: DOMAIN_EVENT_JOB_RETRY_ATTEMPTS,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
    // Every rule on the bus belongs to a domain-event job.
    const busRules = Object.values(templates.jobs.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventBusName !== undefined,
    );
    expect(busRules).toHaveLength(subscribers.length);
  });

  it('lets only the jobs that need events publish, with events:PutEvents on the bus alone and its name in EVENT_BUS_NAME', () => {
    const publishers = lmsJobsJobs.filter((job) => job.needs.events === 'publish');
    expect(publishers.length).toBeGreaterThan(0);
    for (const job of lmsJobsJobs) {
      // Prepare
      const fn = jobFunction(job);
      const eventStatements = statementsOf(templates.jobs, fn).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('events:')),
      );
      const variables = functionProperties(templates.jobs, fn).Environment.Variables as Json;

      // Assess
      if (job.needs.events === 'publish') {
        expect(eventStatements, job.id).toEqual([
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId(), 'Arn'] } },
        ]);
        expect(variables[ENV.eventBusName], job.id).toEqual({ Ref: busId() });
      } else {
        expect(eventStatements, job.id).toEqual([]);
        expect(variables[ENV.eventBusName], job.id).toBeUndefined();
      }
    }
    // No route function publishes (use cases never publish directly; the outbox does).
    for (const fn of stacks.api.functions.values()) {
      const actions = statementsOf(templateOf(fn), fn).flatMap((s) => asArray(s.Action));
      expect(
        actions.filter((a) => a.startsWith('events:')),
        fn.node.path,
      ).toEqual([]);
    }
  });

  it('refuses to bind a function that needs the event bus when its stack was given none', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'NoBus');
    const table = Table.fromTableName(stack, 'Table', 'table');
    const bucket = Bucket.fromBucketName(stack, 'Bucket', 'bucket');
    const fn = new LmsFunction(stack, 'Publisher', { entry: 'functions/events/publish-domain-events.ts' });

    // Act + Assess
    expect(() =>
      fn.bindNeeds(
        { events: 'publish' },
        { table, buckets: { uploads: bucket, content: bucket, backups: bucket, analytics: bucket } },
      ),
    ).toThrow(/needs the event bus \(publish\).*pass the LMS event bus/);
  });

  it("limits CDK's notification handler to the uploads bucket's notification configuration", () => {
    // Prepare
    const uploadsId = logicalIdOf(stacks.data.buckets.uploads);
    const statements = Object.values(templates.jobs.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => asArray(s.Action).some((a) => /BucketNotification$/.test(a)));

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(asArray(statement.Action).sort()).toEqual([
        's3:GetBucketNotification',
        's3:PutBucketNotification',
      ]);
      expect(JSON.stringify(statement.Resource)).toContain(uploadsId);
      expect(JSON.stringify(statement.Resource)).not.toContain('/*');
    }
  });
});

describe('alarms reach a person', () => {
  it('has one SNS topic for alarms: encrypted with a rotated customer key, TLS only, published to by CloudWatch alarms of this account alone', () => {
    // Prepare
    const topics = templates.jobs.findResources('AWS::SNS::Topic');
    const [topicId = ''] = Object.keys(topics);
    const keys = templates.jobs.findResources('AWS::KMS::Key');
    const keyId = Object.keys(keys).find(
      (id) =>
        JSON.stringify(topics[topicId]?.Properties.KmsMasterKeyId) ===
        JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
    );
    const topicStatements = Object.values(templates.jobs.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as (Statement & Json)[],
    );
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    };

    // Assess: one topic, its own key (CloudWatch cannot use the AWS managed SNS key), rotated
    expect(Object.keys(topics)).toHaveLength(1);
    expect(keyId).toBeDefined();
    expect(keys[keyId as string]?.Properties.EnableKeyRotation).toBe(true);
    expect(keys[keyId as string]?.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: fromOwnAlarms,
      }),
    );
    expect(topicStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(topicStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: fromOwnAlarms,
      }),
    );
  });

  it("alarms on every job's errors and its dead-letter queue, and every alarm publishes to that topic", () => {
    // Prepare
    const [topicId] = Object.keys(templates.jobs.findResources('AWS::SNS::Topic'));
    const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm'));

    // Assess: three per job (Lambda errors, dead-letter queue depth, failed runs), the course load time's, the
    // backup age's and the drill differences', each with the topic as its only action
    expect(alarms).toHaveLength(lmsJobsJobs.length * 3 + 3);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    for (const job of lmsJobsJobs) {
      const errors = alarms.filter(
        (alarm) =>
          alarm.Properties.Namespace === 'AWS/Lambda' &&
          JSON.stringify(alarm.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalIdOf(jobFunction(job)) } }]),
      );
      expect(errors, job.id).toHaveLength(1);
      expect(errors[0]?.Properties, job.id).toMatchObject({
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // No email without lms:alarmEmail (cdk.json has none)
    templates.jobs.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it("alarms on each job's failed runs: JobFailures summed over 5 minutes, with exactly the dimensions its function writes", async () => {
    for (const job of lmsJobsJobs) {
      // Prepare: what the job's function writes when a run fails, as CloudWatch reads it (EMF), with the
      // function's own Powertools service
      const service = functionProperties(templates.jobs, jobFunction(job)).Environment.Variables
        .POWERTOOLS_SERVICE_NAME as string;
      const written = await emittedDimensions(service, (metrics) =>
        metrics.countMetric('JobFailures', 1, { job: job.name }),
      );
      const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm')).filter(
        (alarm) =>
          alarm.Properties.MetricName === 'JobFailures' &&
          JSON.stringify(alarm.Properties.Dimensions).includes(`"${job.name}"`),
      );

      // Assess: CloudWatch matches every dimension, so the alarm names exactly those
      expect(written, job.id).toEqual({ service: 'lms-admin', job: job.name });
      expect(alarms, job.id).toHaveLength(1);
      expect(dimensionsOf(alarms[0]?.Properties), job.id).toEqual(written);
      expect(alarms[0]?.Properties, job.id).toMatchObject({
        Namespace: 'LMS',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms when no logical backup completed for 25 hours (a day and an hour of grace), missing data counting as none', async () => {
    // Prepare
    const written = await emittedDimensions('lms-admin', (metrics) =>
      metrics.countMetric('BackupsCompleted', 1),
    );
    const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === 'BackupsCompleted',
    );

    // Assess: 25 hourly sums all below 1; one completed backup in them keeps it quiet
    expect(alarms).toHaveLength(1);
    expect(dimensionsOf(alarms[0]?.Properties)).toEqual(written);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'LMS',
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(BACKUP_ALARM_HOURS).toBe(25);
  });

  it('alarms when a restore drill finds any difference, and not when drills emit nothing', async () => {
    // Prepare
    const written = await emittedDimensions('lms-admin', (metrics) =>
      metrics.countMetric('DrillDifferences', 3),
    );
    const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === 'DrillDifferences',
    );

    // Assess
    expect(alarms).toHaveLength(1);
    expect(dimensionsOf(alarms[0]?.Properties)).toEqual(written);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'LMS',
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when the p95 of course load times (every course) stays over 10 s for two 15-minute periods', () => {
    // Prepare
    const alarms = Object.values(templates.jobs.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === 'CourseLoadTime',
    );

    // Assess
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'LMS',
      Dimensions: [{ Name: 'service', Value: 'lms-admin' }],
      ExtendedStatistic: 'p95',
      Period: 900,
      EvaluationPeriods: 2,
      Threshold: 10000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('CDK context: alarm email and CORS origins', () => {
  let configured: LmsStacks;
  const withContext = (context: Json) => {
    const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json };
    return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
  };
  beforeAll(() => {
    const app = withContext({
      'lms:alarmEmail': 'lms-ops@example.com',
      'lms:corsAllowOrigins': 'https://admin.example.com,https://lms.example.com',
    });
    configured = buildApp(app);
  });

  it('subscribes lms:alarmEmail to the alarm topic by email', () => {
    // Prepare
    const jobs = Template.fromStack(configured.jobs);
    const [topicId] = Object.keys(jobs.findResources('AWS::SNS::Topic'));

    // Assess
    expect(Object.values(jobs.findResources('AWS::SNS::Subscription')).map((s) => s.Properties)).toEqual([
      { Protocol: 'email', TopicArn: { Ref: topicId }, Endpoint: 'lms-ops@example.com' },
    ]);
  });

  it('refuses an lms:alarmEmail that is not an email address, naming it', () => {
    const app = withContext({ 'lms:alarmEmail': 'ops-team' });
    expect(() => buildApp(app)).toThrow(/lms:alarmEmail must be an email address; received "ops-team"/);
  });

  it("gives every route function lms:corsAllowOrigins as CORS_ALLOWED_ORIGINS, the origins API Gateway's preflight allows", () => {
    // Prepare
    const origins = 'https://admin.example.com,https://lms.example.com';
    const preflights = configured.api.api.methods.filter((m) => m.httpMethod === 'OPTIONS');
    const api = Template.fromStack(configured.api);

    // Assess: the functions
    for (const route of routes) {
      const fn = configured.api.functions.get(route.id) as LmsFunction;
      const properties = Template.fromStack(Stack.of(fn)).findResources('AWS::Lambda::Function')[
        logicalIdOf(fn)
      ]?.Properties;
      expect(properties?.Environment.Variables[ENV.corsAllowedOrigins], route.id).toBe(origins);
    }
    // Assess: the preflight answers exactly those origins (a second origin is echoed when it is listed)
    expect(preflights.length).toBeGreaterThan(0);
    for (const method of preflights) {
      const resource = api.findResources('AWS::ApiGateway::Method')[logicalIdOf(method)];
      const response = resource?.Properties.Integration.IntegrationResponses[0];
      expect(response.ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(
        "'https://admin.example.com'",
      );
      expect(response.ResponseTemplates['application/json']).toContain('https://lms.example.com');
    }
  });

  it("sends '*' to the functions, as cdk.json's default allows any origin (the API takes bearer tokens, never cookies)", () => {
    for (const route of routes) {
      expect(routeFunction(route).Environment.Variables[ENV.corsAllowedOrigins], route.id).toBe('*');
    }
  });
});

describe('bundling', () => {
  it('bundles the same way with CDK and with plain esbuild (ESM, node24, minified, source maps, SDK included, DuckDB left out)', () => {
    // Act
    const esbuild = lmsEsbuildOptions('functions/system/get-health.ts', '/tmp/out.mjs');

    // Assess
    expect(LMS_BUNDLING.format).toBe('esm');
    expect(esbuild.format).toBe('esm');
    expect(esbuild.target).toBe(LMS_BUNDLING.target);
    expect(esbuild.minify).toBe(LMS_BUNDLING.minify);
    expect(esbuild.sourcemap).toBe(LMS_BUNDLING.sourceMap);
    expect(esbuild.sourcesContent).toBe(LMS_BUNDLING.sourcesContent);
    expect(esbuild.keepNames).toBe(LMS_BUNDLING.keepNames);
    expect(esbuild.mainFields).toEqual(LMS_BUNDLING.mainFields);
    expect(esbuild.banner).toEqual({ js: LMS_BUNDLING.banner });
    expect(LMS_BUNDLING.banner).toContain('createRequire');
    // DuckDB, a native module, ships only with the functions that run it (their nodeModules).
    expect(LMS_BUNDLING.externalModules).toEqual(['@duckdb/node-api']);
    expect(esbuild.external).toEqual(['@duckdb/node-api']);
    expect(esbuild.entryPoints).toEqual([join(PROJECT_ROOT, 'functions/system/get-health.ts')]);
  });
});

// ---------------------------------------------------------------------------------------------------------

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

function apiFunction(route: RouteDefinition): LmsFunction {
  const fn = stacks.api.functions.get(route.id);
  if (!fn) throw new Error(`No function for route ${route.id}`);
  return fn;
}

function triggerFunction(job: CognitoTriggerJob): LmsFunction {
  const fn = stacks.auth.triggerFunctions.get(job.id);
  if (!fn) throw new Error(`No trigger function for job ${job.id}`);
  return fn;
}

function jobFunction(job: JobDefinition): LmsFunction {
  const fn = stacks.jobs.functions.get(job.id);
  if (!fn) throw new Error(`No function for job ${job.id}`);
  return fn;
}

/** The CloudFormation properties of a function's AWS::Lambda::Function. */
function functionProperties(template: Template, fn: LmsFunction) {
  const resource = template.findResources('AWS::Lambda::Function')[logicalIdOf(fn)];
  if (!resource) throw new Error(`No AWS::Lambda::Function for ${fn.node.path}`);
  return resource.Properties;
}

function routeFunction(route: RouteDefinition) {
  return functionProperties(templateOf(apiFunction(route)), apiFunction(route));
}

/** The template of the stack a construct is in; a function of LmsApi is in the nested stack of its tag. */
function templateOf(construct: IConstruct): Template {
  const stack = Stack.of(construct);
  const topLevel = new Map<Stack, Template>([
    [stacks.data, templates.data],
    [stacks.auth, templates.auth],
    [stacks.api, templates.api],
    [stacks.jobs, templates.jobs],
  ]);
  const template = functionTemplates.get(stack) ?? topLevel.get(stack);
  if (!template) throw new Error(`No template for ${stack.node.path}`);
  return template;
}

/** An alarm's dimensions as a name → value map. */
function dimensionsOf(properties: Json | undefined): Record<string, unknown> {
  const dimensions = (properties?.Dimensions ?? []) as { Name: string; Value: unknown }[];
  return Object.fromEntries(dimensions.map((dimension) => [dimension.Name, dimension.Value]));
}

/**
 * The dimensions of the EMF line `emit` prints through a fresh `shared/metrics.ts`, with metrics on (as in
 * Lambda) and `service` as the function's POWERTOOLS_SERVICE_NAME.
 */
async function emittedDimensions(
  service: string,
  emit: (metrics: typeof import('../../shared/metrics.ts')) => void,
): Promise<Record<string, unknown>> {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', service);
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    vi.resetModules();
    emit(await import('../../shared/metrics.ts'));
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  const lines = printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Json & { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } });
  expect(lines).toHaveLength(1);
  const [line] = lines;
  const names = line?._aws.CloudWatchMetrics.flatMap((directive) => directive.Dimensions.flat()) ?? [];
  return Object.fromEntries(names.map((name) => [name, line?.[name]]));
}

/** Minutes between runs of an EventBridge `rate(...)` expression. */
function rateInMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) throw new Error(`Not a rate expression: ${expression}`);
  const perUnit = { minute: 1, hour: 60, day: 24 * 60 } as const;
  return Number(match[1]) * perUnit[match[2] as keyof typeof perUnit];
}

/** Logical id of the domain-event bus in LmsJobs. */
function busId(): string {
  return logicalIdOf(stacks.jobs.eventBus);
}

function uploadJobs(): UploadTriggeredJob[] {
  return jobs.filter((job): job is UploadTriggeredJob => job.trigger.kind === 's3-object-created');
}

function failureQueue(job: JobDefinition): IConstruct {
  const queue = stacks.jobs.failureQueues.get(job.id);
  if (!queue) throw new Error(`No dead-letter queue for job ${job.id}`);
  return queue;
}

/** The AWS::Lambda::EventInvokeConfig of a job's function. */
function asyncInvokeConfig(job: JobDefinition): Json {
  const fnId = logicalIdOf(jobFunction(job));
  const configs = Object.values(templates.jobs.findResources('AWS::Lambda::EventInvokeConfig')).filter(
    (config) => JSON.stringify(config.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
  );
  expect(configs, job.id).toHaveLength(1);
  return configs[0]?.Properties;
}

function distributionConfig() {
  const id = logicalIdOf(stacks.data.contentDelivery.distribution);
  const resource = templates.data.findResources('AWS::CloudFront::Distribution')[id];
  if (!resource) throw new Error('No AWS::CloudFront::Distribution in LmsData');
  return resource.Properties.DistributionConfig;
}

/** The statements of the bucket policy of one of LmsData's buckets. */
function bucketPolicyStatements(bucket: IConstruct): (Statement & Json)[] {
  const bucketId = logicalIdOf(bucket);
  const policies = Object.values(templates.data.findResources('AWS::S3::BucketPolicy')).filter(
    (policy) => policy.Properties.Bucket?.Ref === bucketId,
  );
  expect(policies, bucketId).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement;
}

/** A route's method (in its tag's nested stack) and its template properties. */
function methodResource(route: RouteDefinition) {
  const matches = stacks.api.api.methods.filter(
    (m) => m.httpMethod === route.method && m.resource.path === route.path,
  );
  expect(matches, `${route.method} ${route.path}`).toHaveLength(1);
  const construct = matches[0] as IConstruct;
  const resource = templateOf(construct).findResources('AWS::ApiGateway::Method')[logicalIdOf(construct)];
  if (!resource) throw new Error(`No AWS::ApiGateway::Method for ${route.method} ${route.path}`);
  return { construct, properties: resource.Properties };
}

/** The AWS::IAM::Policy resources attached to a function's role, by logical id. */
function policiesOfRole(template: Template, fn: LmsFunction) {
  const roleId = functionProperties(template, fn).Role['Fn::GetAtt'][0] as string;
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`),
    ),
  );
}

/** Allow statements of the policies attached to a function's role. */
function statementsOf(template: Template, fn: LmsFunction): Statement[] {
  return Object.values(policiesOfRole(template, fn))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
}

/**
 * A resource variable is set exactly when `needs` names the resource; a Lambda trigger of the pool never has
 * `USER_POOL_ID` (it reads the pool id from the trigger event).
 */
function expectVariablesMatchNeeds(
  properties: Json,
  needs: RouteNeeds,
  label: string,
  poolTrigger = false,
): void {
  const variables = Object.keys((properties.Environment as { Variables: Json }).Variables);
  expect(variables.includes(ENV.tableName), label).toBe(needs.table !== undefined);
  expect(variables.includes(ENV.userPoolId), label).toBe(!poolTrigger && needs.userPool !== undefined);
  expect(variables.includes(ENV.uploadsBucket), label).toBe(needs.buckets?.uploads !== undefined);
  expect(variables.includes(ENV.contentBucket), label).toBe(needs.buckets?.content !== undefined);
  expect(variables.includes(ENV.backupsBucket), label).toBe(needs.buckets?.backups !== undefined);
  expect(variables.includes(ENV.eventBusName), label).toBe(needs.events !== undefined);
  expect(variables.includes(ENV.webClientId), label).toBe(
    needs.userPool === 'federation' || needs.userPool === 'web-client',
  );
  // No pool domain in the test app: no hosted sign-in page, so no sign-in link settings.
  expect(variables.includes(ENV.hostedUiDomain), label).toBe(false);
}

/**
 * The function's role reaches the table, each bucket, the user pool and the event bus exactly as `needs`
 * declares; a stream reader (the audit-stream job, whose trigger is the table's stream) also reads the stream,
 * and only the stream.
 */
function expectGrantsMatchNeeds(
  template: Template,
  fn: LmsFunction,
  needs: RouteNeeds,
  label: string,
  streamReader = false,
): void {
  // Prepare
  const isStream = (s: Statement) =>
    JSON.stringify(s.Resource).includes(`${logicalIdOf(stacks.data.table)}StreamArn`);
  const allStatements = statementsOf(template, fn);
  const statements = allStatements.filter((s) => !isStream(s));
  const actions = statements.flatMap((s) => asArray(s.Action));

  // Assess: the table's stream
  const streamActions = allStatements.filter(isStream).flatMap((s) => asArray(s.Action));
  expect(new Set(streamActions), `${label} stream`).toEqual(new Set(streamReader ? STREAM_READ_ACTIONS : []));
  const touching = (construct: IConstruct) =>
    statements.filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(construct)));

  // Assess: table (a scan need adds Scan and DescribeTable on the table); restore tables, on their names only
  const isRestoreTables = (s: Statement) => JSON.stringify(s.Resource).includes('-restore-*');
  const tableActions = statements
    .filter((s) => !isRestoreTables(s))
    .flatMap((s) => asArray(s.Action))
    .filter((a) => a.startsWith('dynamodb:'));
  expect(new Set(tableActions), label).toEqual(
    new Set([
      ...(needs.table ? TABLE_ACTIONS[needs.table] : []),
      ...(needs.tableScan ? ['dynamodb:Scan', 'dynamodb:DescribeTable'] : []),
    ]),
  );
  expect(
    new Set(statements.filter(isRestoreTables).flatMap((s) => asArray(s.Action))),
    `${label} restore tables`,
  ).toEqual(new Set(needs.restoreTables ? RESTORE_TABLE_ACTIONS : []));

  // Assess: buckets, one by one: ListBucket on the bucket, the object actions on its objects (or a prefix's)
  for (const name of BUCKETS) {
    const need = needs.buckets?.[name];
    const bucketArn = resolvedArnOf(stacks.data.buckets[name]);
    const granted = (resource: unknown) =>
      statements
        .filter((s) => asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
        .flatMap((s) => asArray(s.Action));
    const objects = { 'Fn::Join': ['', [bucketArn, `/${objectPattern(need)}`]] };
    // Athena reads the export's table folders on the function's behalf (analytics-lake.test.ts checks them).
    const lakeReads = needs.reportQueries === true && name === 'analytics';
    expect(granted(bucketArn).sort(), `${label} ${name}`).toEqual(
      [
        ...(need === 'list-versions'
          ? ['s3:ListBucket', 's3:ListBucketVersions']
          : need
            ? ['s3:ListBucket']
            : []),
        ...(lakeReads ? ['s3:GetBucketLocation', 's3:ListBucket'] : []),
      ].sort(),
    );
    const objectActions = need ? BUCKET_OBJECT_ACTIONS[typeof need === 'string' ? need : need.access] : [];
    expect(new Set(granted(objects)), `${label} ${name}`).toEqual(new Set(objectActions));
    // Nothing else on that bucket: no other key pattern
    const resources = touching(stacks.data.buckets[name])
      .flatMap((s) => asArray(s.Resource))
      .filter((r) => JSON.stringify(r).includes(logicalIdOf(stacks.data.buckets[name])));
    const tableFolders = lakeReads
      ? ANALYTICS_ENTITY_NAMES.map((entity) => ({ 'Fn::Join': ['', [bucketArn, `/${entity}/*`]] }))
      : [];
    for (const resource of resources)
      expect([bucketArn, objects, ...tableFolders], `${label} ${name}`).toContainEqual(resource);
  }
  if (!needs.buckets)
    expect(
      actions.filter((a) => a.startsWith('s3:')),
      label,
    ).toEqual([]);

  // Assess: user pool
  const poolActions = actions.filter((a) => a.startsWith('cognito-idp:'));
  const wanted = needs.userPool ? USER_POOL_ACTIONS[needs.userPool] : [];
  expect(new Set(poolActions), label).toEqual(new Set(wanted));
  if (needs.userPool) {
    // On the pool only: every cognito-idp action the function has is on this pool's ARN.
    expect(new Set(touching(stacks.auth.userPool).flatMap((s) => asArray(s.Action))), label).toEqual(
      new Set(wanted),
    );
  }

  // Assess: OIDC client secrets, for 'federation' only, on the lms/identity-providers/ name prefix only;
  // deletion only with a recovery window (never ForceDeleteWithoutRecovery)
  const secrets = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':secret:lms/identity-providers/*',
      ],
    ],
  };
  expect(
    statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('secretsmanager:'))),
    `${label} secrets`,
  ).toEqual(
    needs.userPool === 'federation'
      ? [
          { Effect: 'Allow', Action: [...SECRET_ACTIONS].sort(), Resource: secrets }, // CDK sorts actions
          {
            Effect: 'Allow',
            Action: 'secretsmanager:DeleteSecret',
            Resource: secrets,
            Condition: {
              BoolIfExists: { 'secretsmanager:ForceDeleteWithoutRecovery': 'false' },
              NumericGreaterThanEquals: { 'secretsmanager:RecoveryWindowInDays': 7 },
            },
          },
        ]
      : [],
  );

  // Assess: event bus
  const eventActions = actions.filter((a) => a.startsWith('events:'));
  expect(eventActions, label).toEqual(needs.events === 'publish' ? ['events:PutEvents'] : []);
}

/** A bucket's ARN as the templates of the other stacks see it (LmsData's export, imported). */
function resolvedArnOf(bucket: IConstruct): unknown {
  const arn = (bucket as Bucket).bucketArn;
  return stacks.api.resolve(stacks.data.exportValue(arn));
}

/** The object key pattern a bucket need grants: every object, or those under its prefix. */
function objectPattern(need: BucketNeed | undefined): string {
  return need === undefined || typeof need === 'string' ? '*' : `${need.prefix}*`;
}

/** Every Allow statement of every IAM policy, inline role policy and managed policy of a template. */
function allowStatements(template: Template): Statement[] {
  const documents = [
    ...Object.values(template.findResources('AWS::IAM::Policy')).map((r) => r.Properties.PolicyDocument),
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
      (r) => r.Properties.PolicyDocument,
    ),
    ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((r) =>
      (r.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument),
    ),
  ];
  return documents
    .flatMap((document) => document.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every `Validations.of(...).acknowledge()` in the given scopes, with where it was made. */
function collectAcknowledgements(scopes: IConstruct[]): { id: string; reason: string; path: string }[] {
  return scopes.flatMap((scope) =>
    scope.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            id: id.replace(/^annotation::/i, ''),
            reason,
            path: construct.node.path,
          })),
        ),
    ),
  );
}

describe('LmsData: the player page (shared/player) in the content bucket', () => {
  /** LmsData alone, with cdk.json's context and `props` (a frame-ancestors list, for instance). */
  const dataStack = (props: ConstructorParameters<typeof DataStack>[2] = {}) => {
    const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json };
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    return new DataStack(app, 'LmsData', props);
  };
  const playerDeployment = () => {
    const deployments = Object.values(templates.data.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    return deployments[0];
  };

  it('deploys it to courses/_player/ of the content bucket (served as /_player/...), with Cache-Control no-cache', () => {
    // Assess
    expect(playerDeployment()?.Properties).toMatchObject({
      DestinationBucketName: { Ref: logicalIdOf(stacks.data.buckets.content) },
      DestinationBucketKeyPrefix: 'courses/_player/',
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: true,
    });
    expect(playerDeployment()?.Properties.SourceObjectKeys).toHaveLength(1);
  });

  it('deploys index.html and player.js built at synth: the page with its status line, and the bundled script', () => {
    // Prepare: the asset as staged in the cloud assembly
    const asset = stacks.data.contentDelivery.node.findChild('PlayerFiles') as Asset;
    const staged = join(outdir, asset.assetPath);

    // Assess
    expect(playerDeployment()?.Properties.SourceObjectKeys).toEqual([asset.s3ObjectKey]);
    expect(readdirSync(staged).sort()).toEqual(['index.html', 'player.js']);
    expect(readFileSync(join(staged, 'index.html'), 'utf8')).toContain('<p id="status" role="status">');
    const script = readFileSync(join(staged, 'player.js'), 'utf8');
    expect(script.length).toBeGreaterThan(100_000);
    // scorm-again is in it, minified into one IIFE
    expect(script).toContain('API_1484_11');
    expect(script.startsWith('"use strict";(()=>{')).toBe(true);
  });

  it("lets its deployment function touch the player's asset and courses/_player/* only, with no managed policy", () => {
    // Prepare
    const deployment = stacks.data.contentDelivery.playerDeployment;
    const roleId = logicalIdOf(deployment.handlerRole);
    const contentId = logicalIdOf(stacks.data.buckets.content);
    const policies = Object.values(templates.data.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`),
    );
    const asset = stacks.data.contentDelivery.node.findChild('PlayerFiles') as Asset;

    // Assess
    expect(
      templates.data.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns,
    ).toBeUndefined();
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as (Statement & Json)[];
    expect(statements.map((s) => [s.Action, s.Resource, s.Condition])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], expect.anything(), undefined],
      [
        's3:GetObject',
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':s3:::',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub, not JavaScript
              { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
              `/${asset.s3ObjectKey}`,
            ],
          ],
        },
        undefined,
      ],
      [
        's3:ListBucket',
        { 'Fn::GetAtt': [contentId, 'Arn'] },
        { StringLike: { 's3:prefix': 'courses/_player/*' } },
      ],
      [
        ['s3:DeleteObject', 's3:PutObject'],
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [contentId, 'Arn'] }, '/courses/_player/*']] },
        undefined,
      ],
    ]);
  });

  it("allows the player's own origin to frame the content besides the configured ancestors; no restriction when none are", () => {
    // Prepare
    const cspOf = (stack: DataStack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]
        ?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy;

    // Act
    const configured = dataStack({
      contentFrameAncestors: ['https://lms.example.com', 'https://*.example.org'],
    });

    // Assess
    expect(cspOf(configured)).toEqual({
      ContentSecurityPolicy: "frame-ancestors 'self' https://lms.example.com https://*.example.org",
      Override: true,
    });
    expect(cspOf(stacks.data)).toBeUndefined();
  });
});

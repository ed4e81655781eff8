/**
 * Infra tests: synthesize the real app (`buildApp`, with cdk.json's context) once, with bundling skipped so
 * no esbuild runs and handler files need not exist, then check the templates and the cdk-nag report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LmsStacks } from '../../infra/app.ts';
import {
  BUCKET_ACTIONS,
  LMS_BUNDLING,
  LMS_RUNTIME,
  lmsEsbuildOptions,
  PROJECT_ROOT,
} from '../../infra/constructs/lms-function.ts';
import { ENV } from '../../shared/config.ts';
import { BUCKETS, ROLES, type RouteDefinition } from '../../shared/http/route.ts';
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

const DATA_ACTIONS = /^(dynamodb|s3|cognito-idp):/;
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'];

let outdir: string;
let stacks: LmsStacks;
let templates: { data: Template; auth: Template; api: Template };
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
  };
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

  it('narrows every acknowledgement to one finding and gives a reason', () => {
    // Prepare
    const acknowledgements = collectAcknowledgements([stacks.data, stacks.auth, stacks.api]);

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
    for (const stack of [stacks.data, stacks.auth, stacks.api]) {
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

  it('blocks public access, encrypts, logs access and retains every bucket', () => {
    // Prepare
    const buckets = templates.data.findResources('AWS::S3::Bucket');

    // Assess: the three product buckets plus the access-log bucket
    expect(Object.keys(buckets)).toHaveLength(BUCKETS.length + 1);
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
    expect(props('uploads').LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        ExpirationInDays: 7,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ]);
  });
});

describe('LmsAuth', () => {
  it('has an admin-only, email, case-insensitive user pool with a strong password policy, optional TOTP MFA and threat protection', () => {
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

  it('has a public web client: no secret, SRP + refresh, authorization code flow', () => {
    // Assess
    templates.auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});

describe('LmsApi functions', () => {
  it('has exactly one function per manifest route, built from the route handler', () => {
    // Assess
    templates.api.resourceCountIs('AWS::Lambda::Function', routes.length);
    expect([...stacks.api.functions.keys()].sort()).toEqual(routes.map((route) => route.id).sort());
    for (const route of routes) {
      expect(stacks.api.functions.get(route.id)?.entryModule, route.id).toBe(route.handler);
      expect(stacks.api.functions.get(route.id)?.node.id, route.id).toBe(route.id);
    }
  });

  it('runs every function on nodejs22.x, arm64, with tracing, source maps, 512 MB, 10 s and its own log group', () => {
    // Assess
    expect(LMS_RUNTIME.name).toBe('nodejs22.x');
    for (const route of routes) {
      const fn = functionResource(route);
      expect(fn.Runtime, route.id).toBe('nodejs22.x');
      expect(fn.Architectures, route.id).toEqual(['arm64']);
      expect(fn.TracingConfig, route.id).toEqual({ Mode: 'Active' });
      expect(fn.MemorySize, route.id).toBe(512);
      expect(fn.Timeout, route.id).toBe(10);
      expect(fn.Environment.Variables, route.id).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lms-admin',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [ENV.stage]: 'prod',
      });
      const logGroupId = fn.LoggingConfig?.LogGroup?.Ref as string;
      expect(templates.api.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(
        30,
      );
    }
  });

  it('sets a resource variable exactly when the route needs the resource', () => {
    // Assess
    for (const route of routes) {
      const variables = Object.keys(functionResource(route).Environment.Variables);
      expect(variables.includes(ENV.tableName), route.id).toBe(route.needs.table !== undefined);
      expect(variables.includes(ENV.userPoolId), route.id).toBe(route.needs.userPool !== undefined);
      expect(variables.includes(ENV.uploadsBucket), route.id).toBe(
        route.needs.buckets?.uploads !== undefined,
      );
      expect(variables.includes(ENV.contentBucket), route.id).toBe(
        route.needs.buckets?.content !== undefined,
      );
      expect(variables.includes(ENV.backupsBucket), route.id).toBe(
        route.needs.buckets?.backups !== undefined,
      );
    }
  });

  it('grants each function exactly what its route needs', () => {
    for (const route of routes) {
      // Prepare
      const statements = statementsOfFunction(route);
      const actions = statements.flatMap((s) => asArray(s.Action));
      const touching = (construct: IConstruct) =>
        statements.filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(construct)));

      // Assess: table
      const tableActions = actions.filter((a) => a.startsWith('dynamodb:'));
      if (route.needs.table === undefined) expect(tableActions, route.id).toEqual([]);
      else expect(tableActions, route.id).toEqual(expect.arrayContaining(TABLE_READ_ACTIONS));
      for (const write of TABLE_WRITE_ACTIONS) {
        expect(tableActions.includes(write), `${route.id} ${write}`).toBe(route.needs.table === 'write');
      }

      // Assess: buckets, one by one
      for (const name of BUCKETS) {
        const access = route.needs.buckets?.[name];
        const bucketActions = touching(stacks.data.buckets[name]).flatMap((s) => asArray(s.Action));
        expect(new Set(bucketActions), `${route.id} ${name}`).toEqual(
          new Set(access ? BUCKET_ACTIONS[access] : []),
        );
      }
      if (!route.needs.buckets)
        expect(
          actions.filter((a) => a.startsWith('s3:')),
          route.id,
        ).toEqual([]);

      // Assess: user pool
      const poolActions = actions.filter((a) => a.startsWith('cognito-idp:'));
      expect(poolActions, route.id).toEqual(route.needs.userPool ? ['cognito-idp:DescribeUserPool'] : []);
      if (route.needs.userPool) {
        expect(touching(stacks.auth.userPool).flatMap((s) => asArray(s.Action))).toEqual([
          'cognito-idp:DescribeUserPool',
        ]);
      }
    }
  });
});

describe('IAM', () => {
  it('never grants a wildcard action or a "*" resource on DynamoDB, S3 or Cognito', () => {
    // Prepare
    const statements = [templates.data, templates.auth, templates.api].flatMap(allowStatements);

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

  it('attaches no AWS managed policy to any function role', () => {
    for (const route of routes) {
      // Prepare
      const roleId = functionResource(route).Role['Fn::GetAtt'][0] as string;

      // Assess
      expect(
        templates.api.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns,
        route.id,
      ).toBe(undefined);
    }
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

  it('integrates each route with its own function through a Lambda proxy integration', () => {
    for (const route of routes) {
      // Prepare
      const method = methodResource(route);

      // Assess
      expect(method.Integration.Type, route.id).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Integration.Uri), route.id).toContain(
        logicalIdOf(stacks.api.functions.get(route.id) as IConstruct),
      );
    }
  });

  it('puts the Cognito authorizer on every non-public route and on no public one', () => {
    // Prepare
    const [authorizerId] = Object.keys(
      templates.api.findResources('AWS::ApiGateway::Authorizer', {
        Properties: { Type: 'COGNITO_USER_POOLS' },
      }),
    );

    // Assess
    expect(authorizerId).toBeDefined();
    for (const route of routes) {
      const method = methodResource(route);
      if ('public' in route.access) {
        expect(method.AuthorizationType, route.id).toBe('NONE');
        expect(method.AuthorizerId, route.id).toBeUndefined();
      } else {
        expect(method.AuthorizationType, route.id).toBe('COGNITO_USER_POOLS');
        expect(method.AuthorizerId, route.id).toEqual({ Ref: authorizerId });
      }
    }
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

describe('bundling', () => {
  it('bundles the same way with CDK and with plain esbuild (ESM, node22, minified, source maps, SDK included)', () => {
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
    expect(LMS_BUNDLING.externalModules).toEqual([]);
    expect(esbuild.external).toEqual([]);
    expect(esbuild.entryPoints).toEqual([join(PROJECT_ROOT, 'functions/system/get-health.ts')]);
  });
});

// ---------------------------------------------------------------------------------------------------------

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

function functionResource(route: RouteDefinition) {
  const fn = stacks.api.functions.get(route.id);
  if (!fn) throw new Error(`No function for route ${route.id}`);
  const resource = templates.api.findResources('AWS::Lambda::Function')[logicalIdOf(fn)];
  if (!resource) throw new Error(`No AWS::Lambda::Function for route ${route.id}`);
  return resource.Properties;
}

function methodResource(route: RouteDefinition) {
  const matches = stacks.api.api.methods.filter(
    (m) => m.httpMethod === route.method && m.resource.path === route.path,
  );
  expect(matches, `${route.method} ${route.path}`).toHaveLength(1);
  const method = matches[0] as IConstruct;
  const resource = templates.api.findResources('AWS::ApiGateway::Method')[logicalIdOf(method)];
  if (!resource) throw new Error(`No AWS::ApiGateway::Method for ${route.method} ${route.path}`);
  return resource.Properties;
}

/** Statements of the policies attached to the route's function role. */
function statementsOfFunction(route: RouteDefinition): Statement[] {
  const roleId = functionResource(route).Role['Fn::GetAtt'][0] as string;
  return Object.values(templates.api.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
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

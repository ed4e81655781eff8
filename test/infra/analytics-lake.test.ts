/**
 * The data lake: the export's Glue tables (columns exactly the schema's, the `dt` partition projected), the
 * Athena workgroup (enforced, encrypted results that expire, the reports' bytes-scanned cutoff) and the grant
 * of `reportQueries`. The whole app's cdk-nag report (test/infra/app.test.ts) covers these resources too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsLake } from '../../infra/constructs/analytics-lake.ts';
import { LmsFunction, PROJECT_ROOT } from '../../infra/constructs/lms-function.ts';
import { DataStack } from '../../infra/stacks/data-stack.ts';
import { ANALYTICS_ENTITIES } from '../../shared/analytics/schemas.ts';

type Json = Record<string, unknown>;

/** An app with cdk.json's context (its feature flags), bundling skipped. */
function newApp(): App {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

/** The Glue type of each Parquet type, written out here rather than read from the construct. */
const GLUE_TYPE: Record<string, string> = {
  VARCHAR: 'string',
  'VARCHAR[]': 'array<string>',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  BOOLEAN: 'boolean',
};

let data: DataStack;
let template: Template;
let workers: Template;
let worker: LmsFunction;

beforeAll(() => {
  // Prepare: the data stack, and a function of another stack bound to the lake as the report worker is.
  const app = newApp();
  data = new DataStack(app, 'LmsData');
  const other = new Stack(app, 'Workers');
  worker = new LmsFunction(other, 'RunReports', { entry: 'functions/system/get-health.ts' }).bindNeeds(
    { reportQueries: true },
    { reportQueries: data.analyticsLake },
  );
  template = Template.fromStack(data);
  workers = Template.fromStack(other);
});

function tables(): Json[] {
  return Object.values(template.findResources('AWS::Glue::Table')).map(
    (resource) => resource.Properties.TableInput as Json,
  );
}

function analyticsBucketId(): string {
  return data.resolve(
    (data.buckets.analytics.node.defaultChild as unknown as { logicalId: string }).logicalId,
  ) as string;
}

describe('the Glue tables of the analytics export', () => {
  it('has one database and one table per exported entity, named as the entity', () => {
    // Assess
    template.resourceCountIs('AWS::Glue::Database', 1);
    expect(tables().map((table) => table.Name)).toEqual([
      'people',
      'departments',
      'courses',
      'enrollments',
      'completions',
      'attempts',
      'cohorts',
      'cohort_members',
      'audit',
      'business_metrics',
      'content_versions',
      'jobs',
      'imports',
      'sign_ins',
    ]);
  });

  it("declares exactly each entity's Parquet columns, in order, with their Glue types", () => {
    // Assess
    for (const entity of ANALYTICS_ENTITIES) {
      const table = tables().find((t) => t.Name === entity.name) as Json;
      const columns = (table.StorageDescriptor as Json).Columns as { Name: string; Type: string }[];
      expect(columns, entity.name).toEqual(
        entity.columns.map((column) => ({ Name: column.name, Type: GLUE_TYPE[column.type] })),
      );
    }
    // A few written out: a list, a timestamp, a double, a boolean.
    const columnsOf = (name: string) =>
      ((tables().find((t) => t.Name === name) as Json).StorageDescriptor as Json).Columns as Json[];
    expect(columnsOf('attempts')).toContainEqual({ Name: 'launched_at', Type: 'timestamp' });
    expect(columnsOf('attempts')).toContainEqual({ Name: 'score_scaled', Type: 'double' });
    expect(columnsOf('attempts')).toContainEqual({ Name: 'preview', Type: 'boolean' });
    expect(columnsOf('attempts')).toContainEqual({ Name: 'load_ms', Type: 'bigint' });
  });

  it('reads Parquet under s3://<analytics>/<entity>/, partitioned by dt with the days projected', () => {
    // Prepare
    const bucketRef = { Ref: analyticsBucketId() };
    const location = (entity: string, tail = '') => ({
      'Fn::Join': ['', ['s3://', bucketRef, `/${entity}/${tail}`]],
    });

    // Assess
    for (const table of tables()) {
      const name = table.Name as string;
      expect(table.TableType, name).toBe('EXTERNAL_TABLE');
      expect(table.PartitionKeys, name).toEqual([
        { Name: 'dt', Type: 'string', Comment: 'The export day, YYYY-MM-DD (UTC)' },
      ]);
      expect(table.Parameters, name).toEqual({
        classification: 'parquet',
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2024-01-01,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'storage.location.template': location(name, `dt=\${dt}/`),
      });
      expect(table.StorageDescriptor, name).toMatchObject({
        Location: location(name),
        InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      });
    }
  });
});

describe('the Athena workgroup of the reports', () => {
  it('enforces its configuration: the 10 GiB cutoff, engine 3, metrics, SSE-S3 results in the results bucket', () => {
    // Prepare
    const resultsId = data.resolve(
      (data.analyticsLake.resultsBucket.node.defaultChild as unknown as { logicalId: string }).logicalId,
    ) as string;

    // Assess
    template.resourceCountIs('AWS::Athena::WorkGroup', 1);
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10_737_418_240,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: resultsId }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
        },
      },
    });
  });

  it('keeps results in an encrypted, private, TLS-only, logged bucket that expires them after 7 days', () => {
    // Prepare
    const resultsId = data.resolve(
      (data.analyticsLake.resultsBucket.node.defaultChild as unknown as { logicalId: string }).logicalId,
    ) as string;
    const bucket = template.findResources('AWS::S3::Bucket')[resultsId]?.Properties as Json;

    // Assess
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'expire-query-results',
          Status: 'Enabled',
          ExpirationInDays: 7,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
    expect(bucket.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'athena-results/' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: resultsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("refuses a cutoff below Athena's minimum, naming the value", () => {
    // Act + Assess
    const app = newApp();
    const stack = new Stack(app, 'Tiny');
    const lake = () =>
      new AnalyticsLake(stack, 'Lake', {
        analyticsBucket: data.buckets.analytics,
        accessLogsBucket: data.accessLogsBucket,
        bytesScannedCutoffPerQuery: 1000,
      });
    expect(lake).toThrow(/at least 10,000,000.*received 1000/);
  });
});

describe('the reportQueries grant', () => {
  function statements(): { Action: string | string[]; Resource: unknown }[] {
    const policies = Object.values(workers.findResources('AWS::IAM::Policy'));
    return policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[],
    );
  }
  const actionsOn = (fragment: string) =>
    statements()
      .filter((statement) => JSON.stringify(statement.Resource).includes(fragment))
      .flatMap((statement) => [statement.Action].flat());

  it('runs queries in the LMS workgroup only, and reads only its database and tables from Glue', () => {
    // Assess
    expect(actionsOn(':workgroup/').sort()).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ]);
    const glue = statements().find((statement) => [statement.Action].flat().includes('glue:GetTable'));
    expect(glue?.Action).toEqual(['glue:GetDatabase', 'glue:GetTable']);
    const resources = JSON.stringify(glue?.Resource);
    expect(resources).toContain(':catalog"');
    expect(resources).toContain(':database/');
    for (const entity of ANALYTICS_ENTITIES) expect(resources).toContain(`/${entity.name}"`);
    expect(resources).not.toContain('*');
  });

  it("reads each table's folder of the analytics bucket and writes results under results/ only", () => {
    // Prepare: every object-level S3 grant as `<action> <bucket export>/<pattern>`
    const grants = statements().flatMap((statement) =>
      [statement.Resource].flat().flatMap((resource) => {
        const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
        const tail = join?.at(-1);
        if (typeof tail !== 'string' || !tail.endsWith('/*')) return [];
        const bucket = JSON.stringify(join?.[0]).includes('ResultsBucket') ? 'results-bucket' : 'analytics';
        return [statement.Action].flat().map((action) => `${action} ${bucket}${tail}`);
      }),
    );

    // Assess: read-only on each table folder, read-write on the results location, nothing else
    expect(grants.sort()).toEqual(
      [
        ...ANALYTICS_ENTITIES.map((entity) => `s3:GetObject analytics/${entity.name}/*`),
        's3:AbortMultipartUpload results-bucket/results/*',
        's3:GetObject results-bucket/results/*',
        's3:ListMultipartUploadParts results-bucket/results/*',
        's3:PutObject results-bucket/results/*',
      ].sort(),
    );
    expect(JSON.stringify(statements())).not.toContain('s3:DeleteObject');
  });

  it('names the workgroup and the database in the environment', () => {
    // Assess
    const fn = Object.values(workers.findResources('AWS::Lambda::Function'))[0] as Json;
    const variables = ((fn.Properties as Json).Environment as Json).Variables as Json;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['ATHENA_WORKGROUP', 'ANALYTICS_DATABASE']),
    );
    expect(JSON.stringify(variables.ATHENA_WORKGROUP)).toContain('AnalyticsLakeWorkGroup');
    expect(JSON.stringify(variables.ANALYTICS_DATABASE)).toContain('AnalyticsLakeDatabase');
    expect(worker.entryModule).toBe('functions/system/get-health.ts');
  });

  it('refuses a function that needs report queries in a stack given no lake', () => {
    // Act + Assess
    const app = newApp();
    const stack = new Stack(app, 'Lakeless');
    expect(() =>
      new LmsFunction(stack, 'RunReports', { entry: 'functions/system/get-health.ts' }).bindNeeds(
        { reportQueries: true },
        {},
      ),
    ).toThrow(/needs report queries, but its stack was given no analytics lake/);
  });
});

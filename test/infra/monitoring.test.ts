/**
 * LmsMonitoring: the dashboard's widgets, each alarm (what it watches, its threshold, the alarm topic), the
 * /health canary (current runtime, schedule, URL), and every stack of the app under 450 resources. Also the
 * apiMetrics grant of GET /admin/status. The app's cdk-nag report (test/infra/app.test.ts) covers this stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-synthetics';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LmsStacks } from '../../infra/app.ts';
import { PROJECT_ROOT } from '../../infra/constructs/lms-function.ts';
import { CANARY_RUNTIME } from '../../infra/stacks/monitoring-stack.ts';
import { routes } from '../../shared/routes/index.ts';

type Json = Record<string, unknown>;

let stacks: LmsStacks;
let template: Template;

beforeAll(() => {
  // Prepare: the app as `cdk synth` builds it (bundling skipped).
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  stacks = buildApp(app);
  template = Template.fromStack(stacks.monitoring);
});

function alarmsByDescription(fragment: string): Json[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .map((alarm) => alarm.Properties as Json)
    .filter((alarm) => String(alarm.AlarmDescription).includes(fragment));
}

function dashboardBody(): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return JSON.stringify(dashboard?.Properties.DashboardBody);
}

describe('the dashboard', () => {
  it('graphs uptime, the API, Lambda, the table, dead letters, jobs, backups, load times and sign-ins', () => {
    // Prepare
    const body = dashboardBody();

    // Assess
    for (const title of [
      'Uptime: /health canary',
      'API requests',
      'API 4XX and 5XX',
      'API latency p50 and p99',
      'Lambda errors and throttles (account)',
      'Lambda errors: top 10 functions',
      'Cold starts (API functions, Powertools ColdStart)',
      'DynamoDB consumed capacity',
      'DynamoDB throttles',
      'Dead-letter queues (messages waiting)',
      'Job failures (JobFailures by job)',
      'Backups completed and restore drills (hourly)',
      'Course load time p95 (ms)',
      'Sign-ins refused (by Cognito trigger)',
    ]) {
      expect(body, title).toContain(`\\"title\\":\\"${title}`);
    }
    expect(body).toContain('MetricName=\\\\\\"ColdStart\\\\\\"');
    expect(body).toContain('\\"LMS\\",\\"CourseLoadTime\\"');
    expect(body).toContain('\\"AWS/DynamoDB\\",\\"WriteThrottleEvents\\"');
  });

  it('has p50 and p99 latency per area: one graph per route tag, a line per route', () => {
    // Prepare
    const body = dashboardBody();
    const tags = [...new Set(routes.map((route) => route.tag))];

    // Assess
    expect(tags).toContain('Platform');
    for (const tag of tags) expect(body, tag).toContain(`Latency: ${tag} (p50 and p99 per route)`);
    expect(body).toContain('p99 GET /admin/status');
    expect(body).toContain('p50 GET /admin/status');
  });

  it('shows the alarms of this stack and those LmsJobs raises (backup age, drill, course load, job failures)', () => {
    // Prepare
    const body = dashboardBody();

    // Assess
    expect(body).toContain('\\"type\\":\\"alarm\\"');
    for (const alarm of ['BackupAgeAlarm', 'DrillDifferencesAlarm', 'CourseLoadTimeP95Alarm']) {
      expect(body, alarm).toContain(`LmsJobs:ExportsOutputFnGetAtt${alarm}`);
    }
    expect(body).toContain('LmsJobs:ExportsOutputFnGetAttbackupJobFailuresAlarm');
  });
});

describe('the alarms', () => {
  it('raises six, each publishing to the alarm topic of LmsJobs', () => {
    // Assess
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain('AlarmsTopic');
    }
  });

  it('alarms on the API 5XX rate above 5%, twice in 5-minute periods', () => {
    // Assess
    const [alarm] = alarmsByDescription('with a 5XX');
    expect(alarm).toMatchObject({
      Threshold: 0.05,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm?.Metrics as Json[];
    expect(metrics[0]).toMatchObject({ Expression: 'IF(requests > 0, errors / requests, 0)' });
    expect(JSON.stringify(metrics)).toContain('"MetricName":"5XXError"');
    expect(JSON.stringify(metrics)).toContain('"MetricName":"Count"');
  });

  it('alarms on the API p99 latency above 5 s for 15 minutes', () => {
    // Assess
    expect(alarmsByDescription('p99 latency exceeded')[0]).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 5000,
      EvaluationPeriods: 3,
    });
  });

  it('alarms on any Lambda throttle and any throttled read or write of the table', () => {
    // Assess
    expect(alarmsByDescription('Lambda throttled')[0]).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Statistic: 'Sum',
      Threshold: 0,
    });
    const table = alarmsByDescription('DynamoDB throttled')[0];
    expect(table).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(((table?.Metrics ?? []) as Json[])[0]).toMatchObject({ Expression: 'reads + writes' });
    expect(JSON.stringify(table?.Metrics)).toContain('ReadThrottleEvents');
    expect(JSON.stringify(table?.Metrics)).toContain('WriteThrottleEvents');
  });

  it('alarms on more than 20 refused sign-ins in 15 minutes, over every Cognito trigger that refuses', () => {
    // Assess
    const alarm = alarmsByDescription('sign-ins were refused')[0];
    expect(alarm).toMatchObject({ Threshold: 20, EvaluationPeriods: 1 });
    const metrics = JSON.stringify(alarm?.Metrics);
    expect(metrics).toContain('"MetricName":"SignInsRefused"');
    expect(metrics).toContain('{"Name":"trigger","Value":"PreTokenGeneration"}');
    expect(metrics).toContain('{"Name":"service","Value":"lms-admin"}');
    expect(metrics).toContain('"Period":900');
  });

  it('alarms when the /health canary fails twice in a row, and when it stops reporting', () => {
    // Assess
    expect(alarmsByDescription('/health canary failed')[0]).toMatchObject({
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'breaching',
    });
  });
});

describe('the /health canary', () => {
  it('runs the newest Node.js Puppeteer runtime of the CDK, every 5 minutes, on the API stage’s /health', () => {
    // Prepare: the runtimes the installed CDK knows
    const puppeteer = Object.keys(Runtime)
      .filter((name) => name.startsWith('SYNTHETICS_NODEJS_PUPPETEER_'))
      .map((name) => name.replace('SYNTHETICS_NODEJS_PUPPETEER_', '').split('_').map(Number))
      .sort(([a = 0, b = 0], [c = 0, d = 0]) => c - a || d - b);

    // Assess
    expect(CANARY_RUNTIME.name).toBe('syn-nodejs-puppeteer-13.0');
    expect(puppeteer[0]).toEqual([13, 0]);
    const [canary] = Object.values(template.findResources('AWS::Synthetics::Canary'));
    const properties = canary?.Properties as Json;
    expect(properties.RuntimeVersion).toBe('syn-nodejs-puppeteer-13.0');
    expect(properties.Schedule).toMatchObject({ Expression: 'rate(5 minutes)' });
    expect(properties.StartCanaryAfterCreation).toBe(true);
    const url = JSON.stringify((properties.RunConfig as Json).EnvironmentVariables);
    expect(url).toContain('.execute-api.');
    expect(url).toContain('ApiDeploymentStageprod');
    expect(url).toContain('/health"');
    expect(JSON.stringify(properties.Code)).toContain('executeHttpStep');
  });

  it('keeps its artifacts in a bucket of its own: private, encrypted, TLS-only, logged, expired after 30 days', () => {
    // Assess
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-canary-runs', ExpirationInDays: 30, Status: 'Enabled' }],
      },
      LoggingConfiguration: { LogFilePrefix: 'canary-artifacts/' },
    });
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).toContain('aws:SecureTransport');
  });
});

describe('the size of every stack', () => {
  it('keeps each stack, nested ones included, under 450 resources (CloudFormation refuses 500)', () => {
    // Prepare
    const all: Stack[] = [
      stacks.data,
      stacks.auth,
      stacks.api,
      stacks.jobs,
      stacks.backup,
      stacks.monitoring,
      ...stacks.api.node.children.filter((child): child is NestedStack => child instanceof NestedStack),
    ];

    // Assess
    for (const stack of all) {
      const count = Object.keys(Template.fromStack(stack).toJSON().Resources ?? {}).length;
      expect(count, stack.node.path).toBeLessThan(450);
    }
  });
});

describe('the apiMetrics grant of GET /admin/status', () => {
  it("reads CloudWatch metrics (GetMetricData, which takes no resource) and knows the API's name", () => {
    // Prepare
    const fn = stacks.api.functions.get('getAdminStatus');
    if (!fn?.role) throw new Error('No function with a role for getAdminStatus');
    const nested = Template.fromStack(Stack.of(fn));
    const roleId = Stack.of(fn).resolve((fn.role.node.defaultChild as CfnElement).logicalId) as string;
    const statements = Object.values(nested.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
    const functions = nested.findResources('AWS::Lambda::Function');
    const resource = Object.values(functions).find((candidate) =>
      String(candidate.Properties.Description).startsWith('GET /admin/status'),
    );

    // Assess
    const onEverything = statements.filter((statement) => statement.Resource === '*');
    expect(onEverything.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(resource?.Properties.Environment.Variables.API_NAME).toBe(stacks.api.api.restApiName);
  });
});

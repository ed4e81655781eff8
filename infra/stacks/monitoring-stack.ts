/**
 * LmsMonitoring: the administrator's picture of the platform on one CloudWatch dashboard, the alarms the
 * other stacks do not already raise, and a Synthetics canary on `/health` for uptime. Every alarm publishes to
 * the one alarm topic (LmsJobs' AlarmTopic). LmsJobs already alarms on dead-letter queues, job failures, the
 * backup's age, drill differences and course load times: the dashboard shows those alarms beside its graphs
 * rather than raising them twice.
 *
 * Stateless: it reads metrics of the other stacks and holds only the canary's artifacts bucket (expired).
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Canary, Code, Runtime, Schedule, Test } from 'aws-cdk-lib/aws-synthetics';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../../shared/http/route.ts';
import { COURSE_LOAD_TIME_METRIC, METRICS_NAMESPACE } from '../../shared/metrics.ts';
import { LMS_SERVICE_NAME } from '../constructs/lms-function.ts';

/** The canary's runtime: the newest Node.js Puppeteer runtime of the installed CDK. */
export const CANARY_RUNTIME = Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;

export interface MonitoringStackProps extends StackProps {
  readonly api: RestApi;
  /** The routes the API serves: their tags are the dashboard's areas. */
  readonly routes: readonly RouteDefinition[];
  readonly table: ITable;
  /** The work queues' dead-letter queues, by queue name. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** The jobs' dead-letter queues, by job id. */
  readonly jobFailureQueues: ReadonlyMap<string, IQueue>;
  /** The job names whose `JobFailures` are graphed (the job manifest's names). */
  readonly jobNames: readonly string[];
  /** The Cognito trigger operations that count `SignInsRefused`. */
  readonly signInTriggers: readonly string[];
  /** The alarms other stacks raise, shown on the dashboard (backup age, drill, course load, job failures). */
  readonly otherAlarms: readonly IAlarm[];
  /** Where every alarm publishes. */
  readonly alarmTopic: ITopic;
  /** Receives the canary artifacts bucket's S3 server access logs. */
  readonly accessLogsBucket: IBucket;
  /** API 5XX answers per request, over 5 minutes, that alarm. @default 0.05 */
  readonly serverErrorRateAlarm?: number;
  /** API p99 latency (ms) over 5 minutes that alarms, three periods in a row. @default 5000 */
  readonly latencyP99AlarmMs?: number;
  /** Refused sign-ins in 15 minutes that alarm (a burst: a suspended account retrying, or an attack). @default 20 */
  readonly signInsRefusedAlarm?: number;
  /** How often the canary calls /health. @default Duration.minutes(5) */
  readonly canaryEvery?: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

export class MonitoringStack extends Stack {
  readonly dashboard: Dashboard;
  readonly canary: Canary;
  /** This stack's alarms, by what they watch. */
  readonly alarms: Readonly<
    Record<
      'apiServerErrors' | 'apiLatency' | 'lambdaThrottles' | 'tableThrottles' | 'signInsRefused' | 'uptime',
      Alarm
    >
  >;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const apiName = props.api.restApiName;
    const apiMetric = (metricName: string, statistic: string, extra: Record<string, string> = {}) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: apiName, ...extra },
        statistic,
        period: FIVE_MINUTES,
      });
    const requests = apiMetric('Count', 'Sum');
    const clientErrors = apiMetric('4XXError', 'Sum');
    const serverErrors = apiMetric('5XXError', 'Sum');
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests > 0, errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: '5XX per request',
      period: FIVE_MINUTES,
    });
    const lms = (metricName: string, statistic: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: LMS_SERVICE_NAME, ...dimensions },
        statistic,
        period: FIVE_MINUTES,
      });
    // Account-wide Lambda metrics (no dimension): the LMS is meant to have its account to itself.
    const lambda = (metricName: string) =>
      new Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period: FIVE_MINUTES });
    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    const tableThrottles = new MathExpression({
      expression: 'reads + writes',
      usingMetrics: { reads: tableMetric('ReadThrottleEvents'), writes: tableMetric('WriteThrottleEvents') },
      label: 'Throttled reads and writes',
      period: FIVE_MINUTES,
    });
    const signInsRefused = new MathExpression({
      expression: props.signInTriggers.map((_, i) => `t${i}`).join(' + ') || '0',
      usingMetrics: Object.fromEntries(
        props.signInTriggers.map((trigger, i) => [
          `t${i}`,
          lms('SignInsRefused', 'Sum', { trigger }).with({ period: Duration.minutes(15) }),
        ]),
      ),
      label: 'Sign-ins refused',
      period: Duration.minutes(15),
    });

    // -------------------------------------------------------------------------------- the canary
    const artifacts = new Bucket(this, 'CanaryArtifactsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'canary-artifacts/',
      lifecycleRules: [{ id: 'expire-canary-runs', expiration: Duration.days(30) }],
    });
    const healthUrl = props.api.urlForPath('/health');
    this.canary = new Canary(this, 'HealthCanary', {
      runtime: CANARY_RUNTIME,
      schedule: Schedule.rate(props.canaryEvery ?? FIVE_MINUTES),
      artifactsBucketLocation: { bucket: artifacts, prefix: 'health' },
      environmentVariables: { HEALTH_URL: healthUrl },
      test: Test.custom({ handler: 'index.handler', code: Code.fromInline(CANARY_SCRIPT) }),
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(30),
    });
    this.acknowledgeCanaryRole(artifacts);

    // ---------------------------------------------------------------------------------- alarms
    const alarm = (id: string, metric: IMetric, options: AlarmOptions) => {
      const created = new Alarm(this, id, {
        metric,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...options,
      });
      created.addAlarmAction(new SnsAction(props.alarmTopic));
      return created;
    };
    const rateThreshold = props.serverErrorRateAlarm ?? 0.05;
    const latencyThreshold = props.latencyP99AlarmMs ?? 5000;
    const refusedThreshold = props.signInsRefusedAlarm ?? 20;
    this.alarms = {
      apiServerErrors: alarm('ApiServerErrorRateAlarm', serverErrorRate, {
        alarmDescription: `The API answered more than ${rateThreshold * 100}% of requests with a 5XX, twice in 5-minute periods in a row. GET /admin/status gives the rate; the functions' log groups name the errors.`,
        threshold: rateThreshold,
        evaluationPeriods: 2,
      }),
      apiLatency: alarm('ApiLatencyP99Alarm', apiMetric('Latency', 'p99'), {
        alarmDescription: `The API's p99 latency exceeded ${latencyThreshold} ms for 15 minutes. The dashboard's latency per area names the routes.`,
        threshold: latencyThreshold,
        evaluationPeriods: 3,
      }),
      lambdaThrottles: alarm('LambdaThrottlesAlarm', lambda('Throttles'), {
        alarmDescription:
          "Lambda throttled invocations (the account's concurrency is spent): requests get 429/5XX and queued work waits. Raise the account's concurrency quota or find the function that floods it (dashboard: Lambda).",
        threshold: 0,
        evaluationPeriods: 2,
      }),
      tableThrottles: alarm('TableThrottlesAlarm', tableThrottles, {
        alarmDescription:
          'DynamoDB throttled reads or writes on the LMS table (on-demand: a burst above twice the previous peak, or a hot key). The dashboard shows which, and the consumed capacity.',
        threshold: 0,
        evaluationPeriods: 2,
      }),
      signInsRefused: alarm('SignInsRefusedAlarm', signInsRefused, {
        alarmDescription: `More than ${refusedThreshold} sign-ins were refused in 15 minutes (suspended accounts retrying, or someone trying accounts). GET /users/{id}/access shows a person's sign-in events.`,
        threshold: refusedThreshold,
        evaluationPeriods: 1,
      }),
      uptime: alarm('UptimeAlarm', this.canary.metricSuccessPercent({ period: FIVE_MINUTES }), {
        alarmDescription:
          'The /health canary failed twice in a row: the API is down or a dependency is (its 503 names which). The canary run in CloudWatch Synthetics has the response.',
        threshold: 100,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    };

    // ------------------------------------------------------------------------------- dashboard
    const graph = (title: string, metrics: IMetric[], options: { width?: number; right?: IMetric[] } = {}) =>
      new GraphWidget({ title, left: metrics, right: options.right, width: options.width ?? 8, height: 6 });
    const search = (expression: string, label: string, period = FIVE_MINUTES) =>
      new MathExpression({ expression, label, period });
    const dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# LMS\nUptime, API, functions, table, jobs, backups, course load times and sign-ins. `GET /admin/status` answers the same in one JSON.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...Object.values(this.alarms), ...props.otherAlarms],
        width: 24,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      graph('Uptime: /health canary (% of runs that passed)', [this.canary.metricSuccessPercent()]),
      graph('API requests', [requests.with({ label: 'Requests' })]),
      graph('API 4XX and 5XX', [clientErrors.with({ label: '4XX' }), serverErrors.with({ label: '5XX' })], {
        right: [serverErrorRate],
      }),
    );
    dashboard.addWidgets(
      graph('API latency p50 and p99', [
        apiMetric('Latency', 'p50').with({ label: 'p50' }),
        apiMetric('Latency', 'p99').with({ label: 'p99' }),
      ]),
    );
    // Latency per area: API Gateway's per-method metrics of each route of the area (stage metrics are on).
    const areas = new Map<string, RouteDefinition[]>();
    for (const route of props.routes) areas.set(route.tag, [...(areas.get(route.tag) ?? []), route]);
    const areaWidgets = [...areas].map(([tag, routes]) => {
      const perRoute = (statistic: string) =>
        routes.map((route) =>
          apiMetric('Latency', statistic, {
            Method: route.method,
            Resource: route.path,
            Stage: props.api.deploymentStage.stageName,
          }).with({ label: `${statistic} ${route.method} ${route.path}` }),
        );
      return new GraphWidget({
        title: `Latency: ${tag} (p50 and p99 per route)`,
        left: [...perRoute('p99'), ...perRoute('p50')],
        width: 8,
        height: 6,
      });
    });
    for (let at = 0; at < areaWidgets.length; at += 3) dashboard.addWidgets(...areaWidgets.slice(at, at + 3));
    dashboard.addWidgets(
      graph('Lambda errors and throttles (account)', [
        lambda('Errors').with({ label: 'Errors' }),
        lambda('Throttles').with({ label: 'Throttles' }),
      ]),
      graph('Lambda errors: top 10 functions', [
        search(
          `SORT(SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors"', 'Sum', 300), SUM, DESC, 10)`,
          'Errors by function',
        ),
      ]),
      graph('Cold starts (API functions, Powertools ColdStart)', [
        search(
          `SORT(SEARCH('{${METRICS_NAMESPACE},function_name,service} MetricName="ColdStart"', 'Sum', 300), SUM, DESC, 10)`,
          'Cold starts by function',
        ),
      ]),
    );
    dashboard.addWidgets(
      graph('DynamoDB consumed capacity', [
        tableMetric('ConsumedReadCapacityUnits').with({ label: 'Read units' }),
        tableMetric('ConsumedWriteCapacityUnits').with({ label: 'Write units' }),
      ]),
      graph('DynamoDB throttles', [
        tableMetric('ReadThrottleEvents').with({ label: 'Read throttles' }),
        tableMetric('WriteThrottleEvents').with({ label: 'Write throttles' }),
      ]),
      graph('Dead-letter queues (messages waiting)', [
        ...Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: `${name} queue` }),
        ),
        ...[...props.jobFailureQueues].map(([jobId, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: jobId }),
        ),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Job failures (JobFailures by job)',
        props.jobNames.map((job) =>
          lms('JobFailures', 'Sum', { job }).with({ label: job, period: Duration.hours(1) }),
        ),
      ),
      graph('Backups completed and restore drills (hourly)', [
        lms('BackupsCompleted', 'Sum').with({ label: 'Backups completed', period: Duration.hours(1) }),
        lms('DrillsCompleted', 'Sum').with({ label: 'Drills completed', period: Duration.hours(1) }),
        lms('DrillDifferences', 'Sum').with({ label: 'Drill differences', period: Duration.hours(1) }),
      ]),
      graph('Course load time p95 (ms)', [
        lms(COURSE_LOAD_TIME_METRIC, 'p95').with({ label: 'Every course', period: Duration.minutes(15) }),
        search(
          `SORT(SEARCH('{${METRICS_NAMESPACE},CourseId,service} MetricName="${COURSE_LOAD_TIME_METRIC}"', 'p95', 900), MAX, DESC, 5)`,
          'Slowest courses',
          Duration.minutes(15),
        ),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Sign-ins refused (by Cognito trigger)',
        props.signInTriggers.map((trigger) =>
          lms('SignInsRefused', 'Sum', { trigger }).with({ label: trigger, period: Duration.minutes(15) }),
        ),
      ),
    );
    this.dashboard = dashboard;
  }

  /** The canary's role, as the Synthetics construct writes it, with why each wildcard stays. */
  private acknowledgeCanaryRole(artifacts: Bucket): void {
    const role = this.canary.role;
    const artifactsArn = this.resolve((artifacts.node.defaultChild as CfnBucket).logicalId) as string;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The Synthetics runtime lists buckets (s3:ListAllMyBuckets) and publishes its metrics (cloudwatch:PutMetricData, conditioned to the CloudWatchSynthetics namespace); neither action supports a resource, so the construct grants them on "*".',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${artifactsArn}.Arn>/health/*]`,
      reason:
        "Each canary run writes its own screenshots, HAR and report, named after the run, under the artifacts bucket's health/ prefix; the grant covers that prefix of the canary's own bucket only (s3:PutObject).",
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/cwsyn-*]',
      reason:
        'Synthetics names the canary\'s Lambda function (and so its log group) "cwsyn-<canary name>-<id>" when it creates it, so no fixed ARN exists at deploy time; the grant covers the canaries\' log groups only, to write their logs.',
    });
    Validations.of(role).acknowledge({
      id: 'Serverless-LambdaStarPermissions',
      reason:
        'The canary role\'s wildcards are the three acknowledged under AwsSolutions-IAM5 (list buckets and metrics on "*", its artifacts prefix, its cwsyn-* log groups), as the Synthetics construct writes them.',
    });
  }
}

type AlarmOptions = Omit<ConstructorParameters<typeof Alarm>[2], 'metric'>;

/**
 * The canary: GET /health over HTTPS; any answer but 200 fails the run (a 503 names the dependency down).
 * CommonJS, as the Synthetics Node.js runtimes load `index.handler`.
 */
const CANARY_SCRIPT = `const synthetics = require('Synthetics');
exports.handler = async () => {
  const url = new URL(process.env.HEALTH_URL);
  await synthetics.executeHttpStep(
    'GET /health',
    { hostname: url.hostname, method: 'GET', path: url.pathname, port: 443, protocol: 'https:', headers: { Accept: 'application/json' } },
    async (response) => {
      if (response.statusCode !== 200) throw new Error('GET /health answered ' + response.statusCode);
    },
  );
};
`;

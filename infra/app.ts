/**
 * The CDK app: one stack per concern. `LmsData` holds the stateful resources (table, buckets, and the
 * content bucket's CloudFront distribution) and `LmsAuth` the user pool with its Lambda triggers (the
 * cognito-trigger jobs of the job manifest); `LmsApi` (the route manifest) and `LmsJobs` (the other jobs of
 * the job manifest and the domain-event bus) are stateless and receive them as interfaces. LmsJobs depends on
 * LmsAuth (the pool, the web client, and the rule that follows its deploys); LmsAuth depends on neither. `buildApp` is what
 * both `cdk synth` (via `npx tsx infra/app.ts`) and the infra tests build, so the tests check the real app.
 *
 * Stacks are environment-agnostic: nothing here looks up an account or a region, so synth runs offline.
 */
import { pathToFileURL } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { jobs as jobManifest } from '../shared/jobs/manifest.ts';
import { routes } from '../shared/routes/index.ts';
import {
  type BackupVaultLock,
  DAILY_RETENTION_DAYS,
  MONTHLY_RETENTION_DAYS,
} from './constructs/backup-plan.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { AuthStack } from './stacks/auth-stack.ts';
import { BackupStack } from './stacks/backup-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';

/** Context keys (set in cdk.json, or with `-c key=value`) that configure the app. */
export const CONTEXT = {
  stageName: 'lms:stageName',
  corsAllowOrigins: 'lms:corsAllowOrigins',
  webCallbackUrls: 'lms:webCallbackUrls',
  webLogoutUrls: 'lms:webLogoutUrls',
  cognitoDomainPrefix: 'lms:cognitoDomainPrefix',
  /** Custom domain of the content distribution; needs `contentCertificateArn` too. */
  contentDomainName: 'lms:contentDomainName',
  /** ACM certificate (in us-east-1) for `contentDomainName`. */
  contentCertificateArn: 'lms:contentCertificateArn',
  /** Origins allowed to frame course content (CSP frame-ancestors), e.g. the LMS player's origin. */
  contentFrameAncestors: 'lms:contentFrameAncestors',
  /** Who is emailed when an alarm goes off (dead-letter queues, job failures). */
  alarmEmail: 'lms:alarmEmail',
  /** AWS Backup vault lock: `{ minRetentionDays, maxRetentionDays, changeableForDays? }`; absent, no lock. */
  backupVaultLock: 'lms:backupVaultLock',
  /** A vault in another region that receives a copy of every AWS Backup recovery point; absent, no copy. */
  backupCopyVaultArn: 'lms:backupCopyVaultArn',
  /** The From address of scheduled reports' mail (an SES verified identity); absent, reports are not mailed. */
  reportMailSender: 'lms:reportMailSender',
} as const;

export interface LmsStacks {
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly api: ApiStack;
  readonly jobs: JobsStack;
  readonly backup: BackupStack;
  readonly monitoring: MonitoringStack;
}

/**
 * Adds the LMS stacks and the cdk-nag rule packs (AwsSolutions, Serverless) to `app`.
 *
 * @example
 * const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
 * const { api } = buildApp(app);
 */
export function buildApp(app: App): LmsStacks {
  const alarmEmail = optionalEmail(app, CONTEXT.alarmEmail);
  const vaultLock = backupVaultLock(app);
  const copyVaultArn = backupCopyVaultArn(app);
  const contentDomainOfApp = contentDomain(app);
  const data = new DataStack(app, 'LmsData', {
    description:
      'LMS admin: stateful data (single DynamoDB table, S3 buckets, content CDN). Retained; termination-protected.',
    terminationProtection: true,
    contentFrameAncestors: stringList(app, CONTEXT.contentFrameAncestors),
    contentDomain: contentDomainOfApp,
  });
  const auth = new AuthStack(app, 'LmsAuth', {
    description: 'LMS admin: Cognito user pool, role groups, the web client and the Cognito Lambda triggers.',
    table: data.table,
    callbackUrls: stringList(app, CONTEXT.webCallbackUrls),
    logoutUrls: stringList(app, CONTEXT.webLogoutUrls),
    domainPrefix: optionalString(app, CONTEXT.cognitoDomainPrefix),
  });
  const api = new ApiStack(app, 'LmsApi', {
    description: 'LMS admin: REST API, one Lambda function per route of the manifest, WAF.',
    table: data.table,
    buckets: data.buckets,
    queues: data.queues,
    userPool: auth.userPool,
    webClient: auth.webClient,
    hostedUi: auth.hostedUi,
    // The player and the content: launch URLs point there.
    contentBaseUrl: `https://${contentDomainOfApp?.domainName ?? data.contentDelivery.distribution.distributionDomainName}`,
    stageName: optionalString(app, CONTEXT.stageName),
    corsAllowOrigins: stringList(app, CONTEXT.corsAllowOrigins),
    // Reconciliation counts the export's rows in Athena.
    reportQueries: data.analyticsLake,
  });

  const jobs = new JobsStack(app, 'LmsJobs', {
    description:
      'LMS admin: jobs of the job manifest (schedules, upload processing, domain-event subscribers and publisher), the domain-event bus, dead-letter queues.',
    table: data.table,
    buckets: data.buckets,
    queues: data.queues,
    deadLetterQueues: data.deadLetterQueues,
    // The web client's provider list repair: LmsJobs imports these from LmsAuth and follows its deploys.
    userPool: auth.userPool,
    webClient: auth.webClient,
    watchedStacks: { auth },
    alarmEmail,
    mailSender: optionalEmail(app, CONTEXT.reportMailSender),
    // The report worker runs its queries in Athena over the export's Glue tables.
    reportQueries: data.analyticsLake,
  });

  const backup = new BackupStack(app, 'LmsBackup', {
    description:
      'LMS admin: AWS Backup of the table and the content and backups buckets (vault, vault lock, daily and monthly rules, cross-region copy). Retained; termination-protected.',
    terminationProtection: true,
    table: data.table,
    buckets: [data.buckets.content, data.buckets.backups],
    vaultLock,
    copyVaultArn,
  });

  const monitoring = new MonitoringStack(app, 'LmsMonitoring', {
    description:
      'LMS admin: the CloudWatch dashboard, the alarms the other stacks do not raise (API errors and latency, throttles, refused sign-ins, uptime) and the /health canary.',
    api: api.api,
    routes,
    table: data.table,
    deadLetterQueues: data.deadLetterQueues,
    jobFailureQueues: jobs.failureQueues,
    jobNames: jobManifest.filter((job) => job.trigger.kind !== 'cognito-trigger').map((job) => job.name),
    signInTriggers: jobManifest.flatMap((job) =>
      job.trigger.kind === 'cognito-trigger' ? [job.trigger.operation] : [],
    ),
    otherAlarms: [
      jobs.backupAgeAlarm,
      jobs.drillDifferencesAlarm,
      jobs.courseLoadAlarm,
      ...jobs.jobFailureAlarms.values(),
    ],
    alarmTopic: jobs.alarmTopic.topic,
    accessLogsBucket: data.accessLogsBucket,
  });

  Tags.of(app).add('app', 'lms-admin');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { data, auth, api, jobs, backup, monitoring };
}

/**
 * Vault lock from context: a JSON object (cdk.json, or `-c 'lms:backupVaultLock={"minRetentionDays":7,...}'`).
 * Its bounds are AWS Backup's, narrowed to the plan's rules: a vault refuses a recovery point kept less than its
 * minimum or more than its maximum, so the minimum may not exceed the daily rule's 35 days, nor the maximum
 * fall short of the monthly rule's year.
 */
function backupVaultLock(app: App): BackupVaultLock | undefined {
  const key = CONTEXT.backupVaultLock;
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `Context ${key} must be an object {"minRetentionDays":n,"maxRetentionDays":n,"changeableForDays"?:n} (JSON on the command line); received ${JSON.stringify(raw)}.`,
    );
  }
  const { minRetentionDays, maxRetentionDays, changeableForDays, ...others } = value as Record<
    string,
    unknown
  >;
  const unknown = Object.keys(others);
  if (unknown.length > 0) {
    throw new Error(
      `Context ${key} has unknown field(s) ${unknown.join(', ')}: it takes minRetentionDays, maxRetentionDays and changeableForDays.`,
    );
  }
  const days = (field: string, given: unknown, min: number, max: number, why: string): number => {
    if (typeof given !== 'number' || !Number.isInteger(given) || given < min || given > max) {
      throw new Error(
        `Context ${key}.${field} must be a whole number of days from ${min} to ${max} (${why}); received ${JSON.stringify(given)}.`,
      );
    }
    return given;
  };
  return {
    minRetentionDays: days(
      'minRetentionDays',
      minRetentionDays,
      1,
      DAILY_RETENTION_DAYS,
      `the daily recovery points are kept ${DAILY_RETENTION_DAYS} days, and the vault would refuse them below its minimum`,
    ),
    maxRetentionDays: days(
      'maxRetentionDays',
      maxRetentionDays,
      MONTHLY_RETENTION_DAYS,
      36_500,
      `the monthly recovery points are kept ${MONTHLY_RETENTION_DAYS} days, and the vault would refuse them above its maximum`,
    ),
    changeableForDays:
      changeableForDays === undefined
        ? undefined
        : days(
            'changeableForDays',
            changeableForDays,
            3,
            36_500,
            'AWS Backup asks for at least 3 days before the lock becomes immutable',
          ),
  };
}

/** The ARN of the vault that receives cross-region copies, or undefined. */
function backupCopyVaultArn(app: App): string | undefined {
  const arn = optionalString(app, CONTEXT.backupCopyVaultArn);
  if (
    arn !== undefined &&
    !/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/.test(arn)
  ) {
    throw new Error(
      `Context ${CONTEXT.backupCopyVaultArn} must be the ARN of an AWS Backup vault (arn:aws:backup:<region>:<account>:backup-vault:<name>); received ${JSON.stringify(arn)}.`,
    );
  }
  return arn;
}

/** The content distribution's custom domain: both context keys, or neither. */
function contentDomain(app: App): { domainName: string; certificateArn: string } | undefined {
  const domainName = optionalString(app, CONTEXT.contentDomainName);
  const certificateArn = optionalString(app, CONTEXT.contentCertificateArn);
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn) {
    throw new Error(
      `Context ${CONTEXT.contentDomainName} and ${CONTEXT.contentCertificateArn} go together; received ${JSON.stringify({ domainName, certificateArn })}. Set both (the certificate in us-east-1) or neither.`,
    );
  }
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(
      `Context ${CONTEXT.contentCertificateArn} must be the ARN of an ACM certificate in us-east-1 (CloudFront only uses those); received ${JSON.stringify(certificateArn)}.`,
    );
  }
  return { domainName, certificateArn };
}

/** An email address from context, or undefined. */
function optionalEmail(app: App, key: string): string | undefined {
  const value = optionalString(app, key);
  if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new Error(`Context ${key} must be an email address; received ${JSON.stringify(value)}.`);
  }
  return value;
}

function optionalString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new Error(`Context ${key} must be a string; received ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A list from context: a JSON array (cdk.json) or a comma-separated string (`-c key=a,b`). */
function stringList(app: App, key: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item)) {
    throw new Error(
      `Context ${key} must be a non-empty list of strings (JSON array or comma-separated); received ${JSON.stringify(value)}.`,
    );
  }
  return list;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = new App();
  buildApp(app);
  app.synth();
}

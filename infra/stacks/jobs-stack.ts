/**
 * LmsJobs: the job manifest (`shared/jobs/manifest.ts`) on AWS, and the LMS domain-event bus. One LmsFunction
 * per job (construct id = job id), bound to exactly what the job declares in `needs`, sized as the job says;
 * an EventBridge Scheduler schedule per scheduled job (and an EventBridge rule on the default bus for
 * CloudFormation's status events of a stack whose deploys it follows); an S3 event notification per
 * upload-triggered job; an event source mapping from the table's stream to the audit-stream job (the outbox
 * publisher); an EventBridge rule on the bus per domain-event job. Every job's failed events end in its own
 * encrypted, TLS-only dead-letter queue, with an alarm as soon as one arrives; every job has an alarm on its
 * function's errors and one on its failed runs (`JobFailures`), and the stack alarms on a day without a
 * logical backup and on a drill's differences; all alarms publish to one SNS topic (AlarmTopic), which an
 * email address can subscribe to.
 *
 * Cognito-trigger jobs are not here: they live in LmsAuth, beside the user pool that invokes them (see
 * AuthStack). The pool's LambdaConfig names the function and the function's invoke permission names the
 * pool, so a function in this stack would make LmsAuth and LmsJobs reference each other.
 *
 * Domain events are delivered at least once (stream retries, Lambda and EventBridge retries): subscribers
 * must be idempotent, and they key on the event's `id`.
 *
 * A job that follows the deploys of LmsAuth (`alsoAfterDeployOf: 'auth'`) matches that stack by name in the
 * stack ARN, and jobs that need the user pool import it and the web client from LmsAuth: LmsJobs depends on
 * LmsAuth, never the reverse.
 *
 * Upload-triggered jobs receive S3's own `S3Event` (keys URL-encoded), as they do locally. The uploads bucket
 * belongs to LmsData, and a notification defined there would reference this stack's function while this stack
 * references the bucket: a cycle. So this stack imports the bucket by name and adds its notification here;
 * CDK's notification custom resource then edits only the configurations it added (`Managed: false`),
 * leaving any other notification on the bucket alone.
 */
import {
  ArnFormat,
  Aws,
  type CfnElement,
  Duration,
  RemovalPolicy,
  Size,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import {
  ContextAttribute,
  ScheduleExpression,
  ScheduleGroup,
  Schedule as SchedulerSchedule,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/events/envelope.ts';
import type { BucketName, QueueName } from '../../shared/http/route.ts';
import {
  type AuditStreamJob,
  type DomainEventJob,
  type JobDefinition,
  jobs as manifest,
  type QueueJob,
  type ScheduledJob,
  type UploadTriggeredJob,
  type WatchedStack,
} from '../../shared/jobs/manifest.ts';
import { type BusinessMetric, COURSE_LOAD_TIME_METRIC, METRICS_NAMESPACE } from '../../shared/metrics.ts';
import { keys } from '../../shared/store/keys.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import type { ReportQueryTarget } from '../constructs/analytics-lake.ts';
import { LMS_SERVICE_NAME, LmsFunction, type LmsFunctionProps } from '../constructs/lms-function.ts';

export interface JobsStackProps extends StackProps {
  /** The single table; its stream (new images) feeds the audit-stream job, so it must have one. */
  readonly table: ITable;
  readonly buckets: Readonly<Record<BucketName, IBucket>>;
  /**
   * The work queues (LmsData), which queue jobs consume and jobs may send to, and the dead-letter queue of
   * each, which plays the part of a queue job's failures queue. @default - none: such a job is refused
   */
  readonly queues?: Readonly<Record<QueueName, IQueue>>;
  readonly deadLetterQueues?: Readonly<Record<QueueName, IQueue>>;
  /** The user pool, for jobs whose `needs` name it. @default - none: such a job is refused */
  readonly userPool?: IUserPool;
  /** The web app client, on which `web-client` jobs relist identity providers (`WEB_CLIENT_ID`). @default - none */
  readonly webClient?: IUserPoolClient;
  /**
   * The stacks whose deploys jobs follow (`alsoAfterDeployOf` in the job manifest), by manifest name.
   * @default - none: such a job is refused
   */
  readonly watchedStacks?: Readonly<Partial<Record<WatchedStack, Stack>>>;
  /** The jobs to run. @default the job manifest (`shared/jobs/manifest.ts`) */
  readonly jobs?: readonly JobDefinition[];
  /** How long a failed event stays in a job's dead-letter queue. @default Duration.days(14) */
  readonly failureRetention?: Duration;
  /** Who is emailed when an alarm goes off (context `lms:alarmEmail`). @default - nobody: subscribe later */
  readonly alarmEmail?: string;
  /** The From address of scheduled reports' mail, an SES verified identity (context `lms:reportMailSender`). @default - none: reports are not mailed */
  readonly mailSender?: string;
  /** Course load time (launch to the content's first initialisation) whose p95 over 15 minutes alarms. @default 10,000 ms */
  readonly courseLoadP95AlarmMs?: number;
  /** The Athena workgroup and Glue tables, for jobs whose `needs` name `reportQueries`. @default - none */
  readonly reportQueries?: ReportQueryTarget;
}

/**
 * Lambda retries of an upload-triggered job's asynchronous invocation: 1 + 2 = the 3 attempts after which the
 * package-import use case marks the job failed (its MAX_ATTEMPTS).
 */
export const UPLOAD_JOB_RETRY_ATTEMPTS = 2;
/** How long an upload event may wait for its attempts (Lambda's maximum). */
export const UPLOAD_JOB_MAX_EVENT_AGE = Duration.hours(6);
/**
 * Lambda does not retry a scheduled run: the next tick is the retry, and a retry never overlaps it. A run that
 * fails goes to the dead-letter queue at once, so the alarm tells someone.
 */
export const SCHEDULED_JOB_RETRY_ATTEMPTS = 0;
/** EventBridge's own retries when it cannot deliver a scheduled event to the function (throttling, outage). */
export const SCHEDULE_DELIVERY_RETRY_ATTEMPTS = 2;
/**
 * What a schedule sends its function: the fields of an EventBridge scheduled event that the handlers read,
 * which EventBridge Scheduler fills in at each invocation (`time`: the tick; `id`: the invocation, which a
 * recorded run keeps as its request id). `detail-type` is what a scheduled rule sent, and what link-logins
 * logs as the run's cause.
 */
export const SCHEDULED_EVENT = {
  id: ContextAttribute.executionId,
  time: ContextAttribute.scheduledTime,
  'detail-type': 'Scheduled Event',
} as const;
/**
 * A day without a completed logical backup alarms: the daily backup plus an hour's grace for a run that
 * starts late or takes long. Evaluated as that many hourly sums, every one of them empty.
 */
export const BACKUP_ALARM_HOURS = 25;
/**
 * The stack statuses after which a job following a stack's deploys runs: an update that completed, or one that
 * rolled back (the rollback re-applies the previous template, which resets what it manages just the same).
 */
export const AFTER_DEPLOY_STATUSES = ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] as const;

/** Name of the LMS domain-event bus: events have `source` {@link EVENT_SOURCE} and the event type as `detail-type`. */
export const LMS_EVENT_BUS_NAME = 'lms-domain-events';
/** Lambda retries of a domain-event job's asynchronous invocation (EventBridge invokes asynchronously). */
export const DOMAIN_EVENT_JOB_RETRY_ATTEMPTS = 2;
/** EventBridge's own retries when it cannot deliver a domain event to the function (throttling, outage). */
export const DOMAIN_EVENT_DELIVERY_RETRY_ATTEMPTS = 2;
/** How long a domain event may wait for its attempts (Lambda's maximum). */
export const DOMAIN_EVENT_MAX_EVENT_AGE = Duration.hours(6);
/** Stream records per invocation of the audit-stream job. */
export const AUDIT_STREAM_BATCH_SIZE = 100;
/**
 * Retries of a failed stream batch (each retry of a bisected half counts): bounded, so one poison record cannot
 * hold up the shard until the stream's 24 h retention drops it; after them the batch goes to the failure queue.
 */
export const AUDIT_STREAM_RETRY_ATTEMPTS = 5;
/** Only new audit records invoke the publisher: inserts whose `pk` is an audit trail's (`AUDIT#...`). */
export const AUDIT_STREAM_FILTER = {
  eventName: FilterRule.isEqual('INSERT'),
  dynamodb: { NewImage: { pk: { S: FilterRule.beginsWith(keys.auditTrail('')) } } },
};

const DEFAULT_TIMEOUT_SECONDS = 60;
const DEFAULT_MEMORY_MB = 512;
const DEFAULT_EPHEMERAL_STORAGE_MB = 512;

/**
 * The function of a job, as the manifest sizes and describes it: shared by LmsJobs and by LmsAuth (which
 * runs the cognito-trigger jobs), so a job's function is built the same way whichever stack holds it.
 */
export function jobFunctionProps(job: JobDefinition): LmsFunctionProps {
  return {
    entry: job.handler,
    description: `Job ${job.name}: ${job.summary}`.slice(0, 256),
    timeout: Duration.seconds(job.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
    memorySize: job.memoryMb ?? DEFAULT_MEMORY_MB,
    ephemeralStorageSize: Size.mebibytes(job.ephemeralStorageMb ?? DEFAULT_EPHEMERAL_STORAGE_MB),
    nodeModules: job.nodeModules,
    nodeOptions: job.nodeOptions,
  };
}

export class JobsStack extends Stack {
  /** The function of each job, by job id. */
  readonly functions: ReadonlyMap<string, LmsFunction>;
  /** The dead-letter queue of each job, by job id. */
  readonly failureQueues: ReadonlyMap<string, IQueue>;
  /** The alarm on each dead-letter queue, by job id. */
  readonly failureAlarms: ReadonlyMap<string, Alarm>;
  /** The alarm on each job function's errors (an invocation that threw), by job id. */
  readonly errorAlarms: ReadonlyMap<string, Alarm>;
  /**
   * The alarm on each job's `JobFailures` (a run recorded failed, or an invocation that threw), by job id:
   * the one that catches a queue worker's failed run, which does not throw.
   */
  readonly jobFailureAlarms: ReadonlyMap<string, Alarm>;
  /** No logical backup completed for {@link BACKUP_ALARM_HOURS} hours. */
  readonly backupAgeAlarm: Alarm;
  /** A restore drill found differences between its scratch table and the backup. */
  readonly drillDifferencesAlarm: Alarm;
  /** The p95 of course load times (every course) above its threshold, twice in a row. */
  readonly courseLoadAlarm: Alarm;
  /** Where every alarm of this stack publishes: the topic people subscribe to. */
  readonly alarmTopic: AlarmTopic;
  /** The group of the jobs' schedules: their roles trust schedules of this group alone. */
  readonly scheduleGroup: ScheduleGroup;
  /** The LMS domain-event bus: the audit-stream job publishes on it, domain-event jobs subscribe to it. */
  readonly eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);

    const jobs = props.jobs ?? manifest;
    assertUniqueJobs(jobs);
    const eventBus = new EventBus(this, 'DomainEventBus', {
      eventBusName: LMS_EVENT_BUS_NAME,
      description: `LMS domain events (source "${EVENT_SOURCE}", detail-type = event type), published from the audit records on the table's stream`,
    });
    this.eventBus = eventBus;
    const alarmTopic = new AlarmTopic(this, 'Alarms', { email: props.alarmEmail });
    this.alarmTopic = alarmTopic;
    // Stateless, like its schedules: deleting the stack deletes the group.
    this.scheduleGroup = new ScheduleGroup(this, 'Schedules', { removalPolicy: RemovalPolicy.DESTROY });
    const functions = new Map<string, LmsFunction>();
    const failureQueues = new Map<string, IQueue>();
    const failureAlarms = new Map<string, Alarm>();
    const errorAlarms = new Map<string, Alarm>();
    const jobFailureAlarms = new Map<string, Alarm>();
    const importedBuckets = new Map<BucketName, IBucket>();
    const notifiable = (name: BucketName): IBucket => {
      let bucket = importedBuckets.get(name);
      if (!bucket) {
        bucket = Bucket.fromBucketName(
          this,
          `Imported${capitalise(name)}Bucket`,
          props.buckets[name].bucketName,
        );
        importedBuckets.set(name, bucket);
      }
      return bucket;
    };

    for (const job of jobs) {
      // Cognito triggers belong to LmsAuth, with the pool: here they would make a cross-stack cycle (the pool
      // names the function, the function's invoke permission names the pool).
      if (isOfKind(job, 'cognito-trigger')) continue;
      const fn = new LmsFunction(this, job.id, jobFunctionProps(job)).bindNeeds(job.needs, {
        ...props,
        webClientId: props.webClient?.userPoolClientId,
        eventBus,
      });

      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: isOfKind(job, 'audit-stream')
          ? `Only its DynamoDB stream event source mapping invokes this function, synchronously: a DeadLetterConfig (asynchronous invocations only) would never receive anything. A batch that fails every retry goes to the mapping's on-failure destination ${job.id}Failures instead.`
          : isOfKind(job, 'queue')
            ? `Only its SQS event source mapping invokes this function, synchronously: a DeadLetterConfig would never receive anything. A message that fails its receives goes to the queue's own dead-letter queue (redrive policy, in LmsData).`
            : `Failed asynchronous invocations go to the on-failure destination ${job.id}Failures (EventInvokeConfig), whose record carries the event, the error and the attempt count; a DeadLetterConfig is the older alternative for the same failures and records less (no response, no attempt count), so it is not configured as well.`,
      });

      let failures: IQueue;
      if (isOfKind(job, 'queue')) {
        this.onQueue(job, fn, props);
        failures = this.deadLettersOf(job, props);
      } else {
        const own = this.failuresQueue(job, props);
        failures = own;
        if (isOfKind(job, 'schedule')) {
          this.schedule(job, fn, own, props.watchedStacks);
        } else if (isOfKind(job, 's3-object-created')) {
          this.onUpload(job, fn, own, notifiable(job.trigger.bucket));
        } else if (isOfKind(job, 'domain-event')) {
          this.onDomainEvents(job, fn, own, eventBus);
        } else if (isOfKind(job, 'audit-stream')) {
          this.onAuditStream(job, fn, own, props.table);
        } else {
          const unknown: never = job;
          throw new Error(`Job ${JSON.stringify(unknown)} has a trigger LmsJobs does not know.`);
        }
      }

      const alarm = failures
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, `${job.id}FailuresAlarm`, {
          alarmDescription: `Job ${job.name}: an event failed every attempt and waits in its dead-letter queue. Read the message (it names the error), fix the cause, then redrive or delete it.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      alarm.addAlarmAction(alarmTopic.action);
      // A run that threw: Lambda retries it (and the dead-letter alarm follows if every attempt fails), but a
      // person hears of the first failure.
      const errors = fn
        .metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })
        .createAlarm(this, `${job.id}ErrorsAlarm`, {
          alarmDescription: `Job ${job.name} failed: an invocation threw an error (Lambda retries it). Its log group names the error.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      errors.addAlarmAction(alarmTopic.action);
      const failedRuns = businessMetric('JobFailures', {
        period: Duration.minutes(5),
        job: job.name,
      }).createAlarm(this, `${job.id}JobFailuresAlarm`, {
        alarmDescription: `Job ${job.name}: a run failed (recorded failed in GET /jobs?status=failed, or an invocation threw). Its failure names the cause; the log group has the details.`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      failedRuns.addAlarmAction(alarmTopic.action);

      functions.set(job.id, fn);
      failureQueues.set(job.id, failures);
      failureAlarms.set(job.id, alarm);
      errorAlarms.set(job.id, errors);
      jobFailureAlarms.set(job.id, failedRuns);
    }
    this.backupAgeAlarm = backupAgeAlarm(this);
    this.backupAgeAlarm.addAlarmAction(alarmTopic.action);
    this.drillDifferencesAlarm = drillDifferencesAlarm(this);
    this.drillDifferencesAlarm.addAlarmAction(alarmTopic.action);
    this.courseLoadAlarm = courseLoadAlarm(this, props.courseLoadP95AlarmMs ?? 10_000);
    this.courseLoadAlarm.addAlarmAction(alarmTopic.action);
    this.functions = functions;
    this.failureQueues = failureQueues;
    this.failureAlarms = failureAlarms;
    this.errorAlarms = errorAlarms;
    this.jobFailureAlarms = jobFailureAlarms;
    this.acknowledgeNotificationHandler();
  }

  /** A job's own dead-letter queue, for the events its trigger could not get through. */
  private failuresQueue(job: JobDefinition, props: JobsStackProps): Queue {
    const failures = new Queue(this, `${job.id}Failures`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.failureRetention ?? Duration.days(14),
    });
    const deadLetterReason = `${job.name}: ${FAILURE_SOURCES[job.trigger.kind as Exclude<TriggerKind, 'cognito-trigger' | 'queue'>]}`;
    Validations.of(failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${deadLetterReason} This queue is the dead-letter queue; cdk-nag only recognises queues named by a redrive policy or a function DeadLetterConfig, not by an on-failure destination.`,
    });
    Validations.of(failures).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `${deadLetterReason} A dead-letter queue is the end of the line: nothing consumes it, so it has no redrive policy of its own; an operator reads each message and redrives or deletes it.`,
    });
    return failures;
  }

  /** A queue job's failures land in its queue's dead-letter queue (LmsData). */
  private deadLettersOf(job: QueueJob, props: JobsStackProps): IQueue {
    const deadLetters = props.deadLetterQueues?.[job.trigger.queue];
    if (!deadLetters)
      throw new Error(
        `Job ${job.name} consumes the ${job.trigger.queue} queue, but LmsJobs was given no dead-letter queue for it: pass deadLetterQueues.`,
      );
    return deadLetters;
  }

  /**
   * One message at a time (a run of apply or undo takes the function's whole time); a run that throws leaves
   * the message to come back after the visibility timeout, and the next run takes over from the checkpoint.
   */
  private onQueue(job: QueueJob, fn: LmsFunction, props: JobsStackProps): void {
    const queue = props.queues?.[job.trigger.queue];
    if (!queue)
      throw new Error(
        `Job ${job.name} consumes the ${job.trigger.queue} queue, but LmsJobs was given none: pass queues.`,
      );
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 1 }));
    const mapping = fn.node.children.find((child) => child instanceof EventSourceMapping);
    if (mapping)
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "An SQS event source mapping takes no on-failure destination (Lambda supports them for streams and Kafka only): a message that fails its receives goes to the queue's own dead-letter queue, by its redrive policy (LmsData), which LmsJobs alarms on.",
      });
  }

  private schedule(
    job: ScheduledJob,
    fn: LmsFunction,
    failures: Queue,
    watchedStacks: JobsStackProps['watchedStacks'],
  ): void {
    const every = Duration.minutes(job.trigger.everyMinutes);
    // A scheduled event older than the next tick is worth nothing; Scheduler, EventBridge and Lambda accept
    // 60 s to 6 h (Lambda's bound).
    const maxEventAge = Duration.seconds(Math.min(Math.max(every.toSeconds(), 60), 6 * 3600));
    fn.configureAsyncInvoke({
      retryAttempts: SCHEDULED_JOB_RETRY_ATTEMPTS,
      maxEventAge,
      onFailure: new SqsDestination(failures),
    });
    // EventBridge Scheduler invokes the function asynchronously, with the payload the handlers read as an
    // EventBridge scheduled event's (SCHEDULED_EVENT). Its role may invoke this function and send to its
    // queue, nothing else, and only schedules of this stack's group, in this account, may assume it.
    const role = new Role(this, `${job.id}ScheduleRole`, {
      description: `EventBridge Scheduler's role for job ${job.name}: invokes its function, sends to its dead-letter queue`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: `LambdaInvoke grants lambda:InvokeFunction on job ${job.name}'s function and on "<its ARN>:*", the qualified ARNs (versions, aliases) of that same function only; the schedule invokes the unqualified function.`,
    });
    new SchedulerSchedule(this, `${job.id}Schedule`, {
      description: `Runs job ${job.name} every ${job.trigger.everyMinutes} minute(s)`,
      schedule: ScheduleExpression.rate(every),
      scheduleGroup: this.scheduleGroup,
      target: new LambdaInvoke(fn, {
        role,
        input: ScheduleTargetInput.fromObject(SCHEDULED_EVENT),
        deadLetterQueue: failures,
        retryAttempts: SCHEDULE_DELIVERY_RETRY_ATTEMPTS,
        maxEventAge,
      }),
    });

    const watched = job.trigger.alsoAfterDeployOf;
    if (watched === undefined) return;
    const stack = watchedStacks?.[watched];
    if (!stack) {
      throw new Error(
        `Job ${job.name} runs after each deploy of the "${watched}" stack, but LmsJobs was given no such stack: pass it in watchedStacks.`,
      );
    }
    // CloudFormation's own events on the default bus (delivery: durable, possibly out of order). The stack id
    // is the stack ARN, `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`: matching its
    // prefix up to the name follows the stack even if it is ever deleted and created again (new uuid).
    const stackArnPrefix = Stack.of(this).formatArn({
      service: 'cloudformation',
      resource: 'stack',
      resourceName: `${stack.stackName}/`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    new Rule(this, `${job.id}AfterDeploy`, {
      description: `Runs job ${job.name} as soon as a deploy of stack ${stack.stackName} completes`,
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: {
          'stack-id': Match.prefix(stackArnPrefix),
          'status-details': { status: [...AFTER_DEPLOY_STATUSES] },
        },
      },
      targets: [
        new LambdaFunction(fn, {
          deadLetterQueue: failures,
          retryAttempts: SCHEDULE_DELIVERY_RETRY_ATTEMPTS,
          maxEventAge,
        }),
      ],
    });
  }

  private onUpload(job: UploadTriggeredJob, fn: LmsFunction, failures: Queue, bucket: IBucket): void {
    fn.configureAsyncInvoke({
      retryAttempts: UPLOAD_JOB_RETRY_ATTEMPTS,
      maxEventAge: UPLOAD_JOB_MAX_EVENT_AGE,
      onFailure: new SqsDestination(failures),
    });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn), {
      prefix: job.trigger.prefix,
      suffix: job.trigger.suffix,
    });
  }

  /**
   * One rule on the bus per job, matching the job's event types; EventBridge invokes the function asynchronously,
   * so failures follow the same path as the other jobs' (Lambda retries, then the dead-letter queue).
   */
  private onDomainEvents(job: DomainEventJob, fn: LmsFunction, failures: Queue, bus: IEventBus): void {
    if (job.trigger.types.length === 0) {
      throw new Error(
        `Job ${job.name} subscribes to no domain event type: list at least one in the manifest.`,
      );
    }
    fn.configureAsyncInvoke({
      retryAttempts: DOMAIN_EVENT_JOB_RETRY_ATTEMPTS,
      maxEventAge: DOMAIN_EVENT_MAX_EVENT_AGE,
      onFailure: new SqsDestination(failures),
    });
    new Rule(this, `${job.id}Events`, {
      description: `Runs job ${job.name} for domain events ${job.trigger.types.join(', ')}`.slice(0, 512),
      eventBus: bus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...job.trigger.types] },
      targets: [
        new LambdaFunction(fn, {
          deadLetterQueue: failures,
          retryAttempts: DOMAIN_EVENT_DELIVERY_RETRY_ATTEMPTS,
          maxEventAge: DOMAIN_EVENT_MAX_EVENT_AGE,
        }),
      ],
    });
  }

  /**
   * The outbox publisher: the table's stream, filtered to new audit records, in order per shard. A failing
   * record is isolated by bisecting the batch, and the handler reports the records it could not publish
   * (`batchItemFailures`) so the ones before them are not sent again.
   */
  private onAuditStream(job: AuditStreamJob, fn: LmsFunction, failures: Queue, table: ITable): void {
    if (!table.tableStreamArn) {
      throw new Error(
        `Job ${job.name} reads the table's stream, but table ${table.node.path} has none: enable its stream (dynamoStream) in LmsData.`,
      );
    }
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: AUDIT_STREAM_BATCH_SIZE,
        bisectBatchOnError: true,
        retryAttempts: AUDIT_STREAM_RETRY_ATTEMPTS,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failures),
        filters: [FilterCriteria.filter(AUDIT_STREAM_FILTER)],
      }),
    );
  }

  /**
   * CDK's handler for `Custom::S3BucketNotifications` (one per stack, created by `addEventNotification`) is a
   * provider-supplied function that runs only while CloudFormation deploys this stack.
   */
  private acknowledgeNotificationHandler(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    const role = handler.node.tryFindChild('Role');
    const deployOnly =
      "CDK's Custom::S3BucketNotifications handler: it runs only while CloudFormation deploys LmsJobs, to put this stack's notification configuration on the uploads bucket.";
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${deployOnly} CDK attaches AWSLambdaBasicExecutionRole to its role (logs only); its S3 permissions are a separate inline policy naming the uploads bucket alone.`,
      });
    }
  }
}

/** Two jobs with one id (construct id) or one name (`npm run job -- <name>`) would shadow each other. */
export function assertUniqueJobs(jobs: readonly JobDefinition[]): void {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const job of jobs) {
    if (ids.has(job.id)) throw new Error(`Job id "${job.id}" is declared twice in the job manifest.`);
    if (names.has(job.name)) throw new Error(`Job name "${job.name}" is declared twice in the job manifest.`);
    ids.add(job.id);
    names.add(job.name);
  }
}

type TriggerKind = JobDefinition['trigger']['kind'];

export function isOfKind<K extends TriggerKind>(
  job: JobDefinition,
  kind: K,
): job is Extract<JobDefinition, { trigger: { kind: K } }> {
  return job.trigger.kind === kind;
}

/**
 * What lands in a job's dead-letter queue, by trigger: the reason its cdk-nag acknowledgements give. Cognito
 * triggers have none: the pool invokes them synchronously, and they run in LmsAuth.
 */
const FAILURE_SOURCES: Readonly<Record<Exclude<TriggerKind, 'cognito-trigger' | 'queue'>, string>> = {
  schedule:
    'runs that failed every attempt land here (Lambda on-failure destination, and EventBridge when it cannot deliver the schedule).',
  's3-object-created': 'upload events that failed every attempt land here (Lambda on-failure destination).',
  'domain-event':
    'domain events that failed every attempt land here (Lambda on-failure destination, and EventBridge when it cannot deliver the event).',
  'audit-stream':
    "stream batches that failed every retry land here (the event source mapping's on-failure destination): each message names the shard and sequence numbers of the batch; the audit records themselves stay in the table, to publish again.",
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The runtime's course load times (EMF metric `CourseLoadTime` in the LMS namespace, from the functions of
 * the runtime routes): p95 over every course. Per course the same metric carries `CourseId` for the
 * dashboard's drill-down; an alarm per course would need one per course id, and CloudWatch's Metrics
 * Insights alarms do not compute percentiles.
 */
function courseLoadAlarm(scope: Construct, thresholdMs: number): Alarm {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: COURSE_LOAD_TIME_METRIC,
    dimensionsMap: { service: LMS_SERVICE_NAME },
    statistic: 'p95',
    period: Duration.minutes(15),
  }).createAlarm(scope, 'CourseLoadTimeP95Alarm', {
    alarmDescription: `Courses load slowly: the p95 of launch-to-initialise exceeded ${thresholdMs} ms twice in a row. GET /courses/{id}/performance names the courses and versions; the dashboard's CourseLoadTime by CourseId too.`,
    threshold: thresholdMs,
    evaluationPeriods: 2,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/**
 * A business metric (`shared/metrics.ts`) summed, with exactly the dimensions `countMetric` writes: the
 * function's Powertools service (`POWERTOOLS_SERVICE_NAME`) and, for `JobFailures`, the job's manifest name.
 * CloudWatch matches every dimension, so one more or one fewer and the alarm would watch an empty metric.
 */
function businessMetric(name: BusinessMetric, options: { period: Duration; job?: string }): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: LMS_SERVICE_NAME, ...(options.job ? { job: options.job } : {}) },
    statistic: 'Sum',
    period: options.period,
  });
}

/**
 * No logical backup completed in the last {@link BACKUP_ALARM_HOURS} hours: every hourly sum of
 * `BackupsCompleted` in that window is below 1, a missing hour (nothing emitted) counting as one. It is
 * therefore in alarm after a first deploy until the first daily backup completes, which is the truth.
 */
function backupAgeAlarm(scope: Construct): Alarm {
  return businessMetric('BackupsCompleted', { period: Duration.hours(1) }).createAlarm(
    scope,
    'BackupAgeAlarm',
    {
      alarmDescription: `No logical backup completed in the last ${BACKUP_ALARM_HOURS} hours (the daily backup, plus an hour's grace). GET /backups/status gives the age of the last good backup; GET /jobs?kind=backup the runs and why they failed.`,
      threshold: 1,
      evaluationPeriods: BACKUP_ALARM_HOURS,
      datapointsToAlarm: BACKUP_ALARM_HOURS,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    },
  );
}

/**
 * A restore drill found differences between its scratch table and the backup. A drill that found none emits
 * nothing, so an hour without data is not a breach.
 */
function drillDifferencesAlarm(scope: Construct): Alarm {
  return businessMetric('DrillDifferences', { period: Duration.hours(1) }).createAlarm(
    scope,
    'DrillDifferencesAlarm',
    {
      alarmDescription:
        'A restore drill found differences between the restored table and its backup: that backup may not restore what it holds. GET /jobs?kind=drill shows the run, with its differences by entity type.',
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
  );
}

/**
 * LmsData: the stateful resources (the single table and the buckets). Everything here is retained when the
 * stack is deleted, and the stack itself has termination protection; stateless stacks receive these
 * resources as interfaces through their props.
 *
 * The content bucket's CloudFront distribution lives here too: the bucket policy must name the distribution
 * and the distribution the bucket, and only within one stack is that not a cycle.
 *
 * The table's stream is enabled here, and LmsJobs maps it to the domain-event publisher (the mapping belongs to
 * the function, so it lives with the function).
 *
 * The uploads bucket's event notifications belong to LmsJobs (which imports the bucket by name and manages
 * only its own notification configurations): add none to that bucket here.
 */
import {
  AspectPriority,
  Aspects,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AttributeType,
  Billing,
  type ITableV2,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ARCHIVE_TAG } from '../../shared/domain/content.ts';
import { BUCKETS, type BucketName, QUEUES, type QueueName } from '../../shared/http/route.ts';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-schema.ts';
import { AnalyticsLake } from '../constructs/analytics-lake.ts';
import { BACKUPS_BUCKET_ID, BackupsBucketObjectLock } from '../constructs/backups-object-lock.ts';
import { ContentDelivery } from '../constructs/content-delivery.ts';

/** Where logical backups are written in the backups bucket: `logical/<backupId>/...`. */
export const LOGICAL_BACKUPS_PREFIX = 'logical/';

export interface DataStackProps extends StackProps {
  /** Lifetime of package uploads (`packages/` of the uploads bucket) waiting to be processed. @default Duration.days(7) */
  readonly uploadsExpiration?: Duration;
  /** Lifetime of an import's files (`imports/`: upload, plan, errors.csv). @default Duration.days(90) */
  readonly importsExpiration?: Duration;
  /** Object Lock default retention (governance mode) of the backups bucket. @default Duration.days(30) */
  readonly backupsRetention?: Duration;
  /** When logical backups move to Glacier Instant Retrieval. @default Duration.days(30) */
  readonly logicalBackupsTransition?: Duration;
  /** When logical backups expire. @default Duration.days(400) */
  readonly logicalBackupsExpiration?: Duration;
  /** How long S3 server access logs are kept. @default Duration.days(365) */
  readonly accessLogsExpiration?: Duration;
  /** Origins allowed to frame course content (CSP `frame-ancestors`). @default - no restriction */
  readonly contentFrameAncestors?: readonly string[];
  /**
   * Serve content under a custom domain, with the ARN of its ACM certificate (which must be in us-east-1).
   * @default - the distribution's `*.cloudfront.net` name
   */
  readonly contentDomain?: { readonly domainName: string; readonly certificateArn: string };
}

export class DataStack extends Stack {
  /**
   * The single table: `pk`/`sk`, GSIs `gsi1` and `gsi2`, TTL on `expiresAt`. Its stream (`tableStreamArn`,
   * new images) carries the audit records, the outbox of domain events, to LmsJobs' audit-stream job.
   */
  readonly table: ITableV2;
  /** The product's buckets, by their logical name (the same names as the local stack). */
  readonly buckets: Readonly<Record<BucketName, IBucket>>;
  /** Receives the S3 server access logs of every other bucket. */
  readonly accessLogsBucket: IBucket;
  /** CloudFront in front of `courses/` of the content bucket. */
  readonly contentDelivery: ContentDelivery;
  /** The export's tables in Glue and the Athena workgroup reports run in (beside the bucket they read). */
  readonly analyticsLake: AnalyticsLake;
  /** The work queues (imports' apply and undo), by name, and the dead-letter queue of each. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  readonly deadLetterQueues: Readonly<Record<QueueName, IQueue>>;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      })),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The outbox: the domain-event publisher reads each new audit record from the stream. New images are
      // enough (an audit record is written once and never updated) and carry nothing the table does not.
      dynamoStream: StreamViewType.NEW_IMAGE,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      ...bucketBaseline(),
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: props.accessLogsExpiration ?? Duration.days(365) },
      ],
    });
    this.accessLogsBucket = accessLogs;

    const logsTo = (name: BucketName) => ({
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${name}/`,
    });

    const uploads = new Bucket(this, 'UploadsBucket', {
      ...bucketBaseline(),
      ...logsTo('uploads'),
      lifecycleRules: [
        {
          id: 'expire-uploads',
          prefix: 'packages/',
          expiration: props.uploadsExpiration ?? Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // An import's upload, plan and errors.csv: apply reads the plan, so it lives as long as an import may
          // wait for its approval (the change log undo works from is in the table).
          id: 'expire-imports',
          prefix: 'imports/',
          expiration: props.importsExpiration ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    const content = new Bucket(this, 'ContentBucket', {
      ...bucketBaseline(),
      ...logsTo('content'),
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          // Archival tags an archived course's objects once it decided they should move, so they move at the
          // next lifecycle run (0 days: S3 accepts 0 for Glacier IR). The versions a later copy replaced
          // (unarchiving copies objects back untagged) move a day after (noncurrent days must be 1 or more).
          // Objects under 128 KB stay where they are (S3's default minimum size for a transition).
          id: 'archive-tagged-content',
          tagFilters: { [ARCHIVE_TAG.key]: ARCHIVE_TAG.value },
          transitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(0) },
          ],
          noncurrentVersionTransitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(1) },
          ],
        },
      ],
    });
    const backups = new Bucket(this, BACKUPS_BUCKET_ID, {
      ...bucketBaseline(),
      ...logsTo('backups'),
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(props.backupsRetention ?? Duration.days(30)),
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          // Logical backups: cold after a month, gone after 400 days. Object lock holds each version for its
          // retention (30 days): S3 refuses to delete a locked version before then, lifecycle included. The
          // expiration only puts a delete marker on the current version; the version itself, then
          // noncurrent, is deleted 30 days later, long after its lock ended. A backup file someone deleted
          // early stays recoverable for those 30 days too (remove its delete marker).
          id: 'logical-backups',
          prefix: LOGICAL_BACKUPS_PREFIX,
          transitions: [
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: props.logicalBackupsTransition ?? Duration.days(30),
            },
          ],
          expiration: props.logicalBackupsExpiration ?? Duration.days(400),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    // The analytics export's Parquet files (dt= partitions), which Athena reads; each export run writes a new
    // set, so a day's older runs are superseded, not overwritten.
    const analytics = new Bucket(this, 'AnalyticsBucket', {
      ...bucketBaseline(),
      ...logsTo('analytics'),
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    const buckets: Record<BucketName, IBucket> = { uploads, content, backups, analytics };
    // Fail at synth if BUCKETS gains a name this stack does not create.
    for (const name of BUCKETS) {
      if (!buckets[name]) throw new Error(`DataStack creates no bucket for "${name}": add it to DataStack.`);
    }
    // A retained bucket keeps its TLS-only policy even if the stack is deleted.
    for (const bucket of [accessLogs, ...Object.values(buckets)]) {
      bucket.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    this.buckets = buckets;
    this.analyticsLake = new AnalyticsLake(this, 'AnalyticsLake', {
      analyticsBucket: analytics,
      accessLogsBucket: accessLogs,
    });
    Aspects.of(this).add(new BackupsBucketObjectLock(), { priority: AspectPriority.READONLY });

    // A run of a queue's worker takes up to 15 minutes: a message stays invisible longer than that, and one
    // that failed five runs goes to its dead-letter queue (LmsJobs alarms on it). Here, not in LmsJobs,
    // because the API's functions send to them too.
    const queues = {} as Record<QueueName, IQueue>;
    const deadLetterQueues = {} as Record<QueueName, IQueue>;
    for (const name of QUEUES) {
      const deadLetters = new Queue(this, `${capitalise(name)}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(deadLetters).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: `The dead-letter queue of the ${name} queue is the end of the line: nothing consumes it, so it has no redrive policy of its own; an operator reads each message (a run's id) and redrives or deletes it.`,
      });
      queues[name] = new Queue(this, `${capitalise(name)}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.minutes(16),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
      });
      deadLetterQueues[name] = deadLetters;
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;

    this.contentDelivery = new ContentDelivery(this, 'ContentDelivery', {
      contentBucket: content,
      accessLogsBucket: accessLogs,
      frameAncestors: props.contentFrameAncestors,
      domain: props.contentDomain && {
        domainName: props.contentDomain.domainName,
        certificate: Certificate.fromCertificateArn(
          this,
          'ContentCertificate',
          props.contentDomain.certificateArn,
        ),
      },
    });
    new CfnOutput(this, 'ContentDistributionDomainName', {
      value: this.contentDelivery.distribution.distributionDomainName,
      description: 'Where learners fetch course content: https://<this>/<courseId>/v<n>/<path>',
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'The LMS table (for the break-glass script: scripts/break-glass.ts --table)',
    });
  }
}

/** What every bucket gets: no public access, TLS only, S3-managed encryption, owner-enforced objects, retained. */
function bucketBaseline() {
  return {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  } as const;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

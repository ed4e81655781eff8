/**
 * AnalyticsLake: the analytics export's Parquet files as tables Athena queries. A Glue database with one table
 * per exported entity, generated from `ANALYTICS_ENTITIES` (columns and types exactly the export's), each over
 * `s3://<analytics>/<entity>/` with the `dt` day partition found by partition projection (no crawler, no
 * partitions to add: a new day's files are queryable as soon as they are written). An Athena workgroup that
 * enforces its settings: results encrypted in a bucket of their own that expires them, the reports' bytes
 * scanned cutoff, engine version 3, CloudWatch metrics.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ANALYTICS_ENTITIES,
  type AnalyticsEntityName,
  type ColumnType,
} from '../../shared/analytics/schemas.ts';
import { DEFAULT_REPORT_MAX_SCAN_BYTES } from '../../shared/reports/limits.ts';

/** The Glue (Hive) type of each Parquet column type the export writes. */
export const GLUE_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  VARCHAR: 'string',
  'VARCHAR[]': 'array<string>',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  BOOLEAN: 'boolean',
};

/** Where the workgroup writes query results in the results bucket. */
export const ATHENA_RESULTS_PREFIX = 'results/';

/** What a function that runs reports with Athena is bound to (see `LmsFunction.bindReportQueries`). */
export interface ReportQueryTarget {
  /** The workgroup queries run in (`ATHENA_WORKGROUP`). */
  readonly workgroupName: string;
  /** The Glue database of the export's tables (`ANALYTICS_DATABASE`). */
  readonly databaseName: string;
  /** One Glue table per exported entity, named as the entity. */
  readonly tableNames: readonly AnalyticsEntityName[];
  /** The export's Parquet files, which Athena reads with the caller's credentials. */
  readonly analyticsBucket: IBucket;
  /** Where the workgroup writes results (under {@link ATHENA_RESULTS_PREFIX}), with the caller's credentials. */
  readonly resultsBucket: IBucket;
}

export interface AnalyticsLakeProps {
  /** The analytics export's bucket: `<entity>/dt=<YYYY-MM-DD>/<runId>.parquet`. */
  readonly analyticsBucket: IBucket;
  /** Receives the results bucket's S3 server access logs (under `athena-results/`). */
  readonly accessLogsBucket: IBucket;
  /** The most bytes one query may scan before Athena cancels it. @default DEFAULT_REPORT_MAX_SCAN_BYTES (10 GiB) */
  readonly bytesScannedCutoffPerQuery?: number;
  /** How long query results are kept (a run keeps its own rows and CSV elsewhere). @default Duration.days(7) */
  readonly resultsExpiration?: Duration;
  /** The first day partition projection considers (the export's first day or earlier). @default '2024-01-01' */
  readonly firstDay?: string;
}

export class AnalyticsLake extends Construct implements ReportQueryTarget {
  readonly workgroupName: string;
  readonly databaseName: string;
  readonly tableNames: readonly AnalyticsEntityName[];
  readonly analyticsBucket: IBucket;
  readonly resultsBucket: IBucket;
  readonly workgroup: CfnWorkGroup;
  /** The Glue table of each exported entity. */
  readonly tables: ReadonlyMap<AnalyticsEntityName, CfnTable>;

  constructor(scope: Construct, id: string, props: AnalyticsLakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_REPORT_MAX_SCAN_BYTES;
    // Athena's own bounds (10 MB minimum); a cutoff outside them would fail the deploy much later.
    if (!Number.isInteger(cutoff) || cutoff < 10_000_000) {
      throw new Error(
        `AnalyticsLake bytesScannedCutoffPerQuery must be a whole number of bytes of at least 10,000,000 (Athena's minimum); received ${cutoff}.`,
      );
    }
    const firstDay = props.firstDay ?? '2024-01-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay)) {
      throw new Error(`AnalyticsLake firstDay must be a day as YYYY-MM-DD; received ${firstDay}.`);
    }
    this.analyticsBucket = props.analyticsBucket;

    // Glue names are lower case; one database per stack keeps two deployments in one account apart.
    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_analytics`,
        description: "The LMS analytics export's tables (Parquet, one dt=<day> partition per export day)",
      },
    });
    this.databaseName = database.ref;

    const location = (entity: string) => `s3://${props.analyticsBucket.bucketName}/${entity}/`;
    const tables = new Map<AnalyticsEntityName, CfnTable>();
    for (const entity of ANALYTICS_ENTITIES) {
      const table = new CfnTable(this, `${pascal(entity.name)}Table`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name: entity.name,
          description: `The export's ${entity.name} (from the stored ${entity.source} items)`,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            EXTERNAL: 'TRUE',
            // Partition projection: Athena computes each day's location instead of asking Glue for it.
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': `${firstDay},NOW`,
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
            'storage.location.template': `${location(entity.name)}dt=\${dt}/`,
          },
          partitionKeys: [{ name: 'dt', type: 'string', comment: 'The export day, YYYY-MM-DD (UTC)' }],
          storageDescriptor: {
            location: location(entity.name),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
            columns: entity.columns.map((column) => ({
              name: column.name,
              type: GLUE_COLUMN_TYPES[column.type],
            })),
          },
        },
      });
      table.node.addDependency(database);
      tables.set(entity.name, table);
    }
    this.tables = tables;
    this.tableNames = [...tables.keys()];

    const results = new Bucket(this, 'ResultsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [
        {
          id: 'expire-query-results',
          expiration: props.resultsExpiration ?? Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    results.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.resultsBucket = results;

    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-reports`,
      description: 'LMS report runs: results encrypted and expired, a bytes-scanned cutoff per query',
      state: 'ENABLED',
      // The workgroup holds only query history; deleting the stack may delete it with its named queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the results location, its encryption or the cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${results.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: stack.account,
        },
      },
    });
    this.workgroupName = this.workgroup.ref;
  }
}

function pascal(name: string): string {
  return name
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

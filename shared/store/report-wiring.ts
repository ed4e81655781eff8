/**
 * Builds the report runs' ports once per cold start: the request's (jobs, scope, the newest export, the
 * reports queue), the worker's (the engine: Athena when `ATHENA_WORKGROUP` is set, else DuckDB over the
 * export's files cached on local disk) and the readers' (the run's files). Its own module, so that only the
 * worker bundles the engines.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { athenaClient, dynamoDb, s3Client, s3PresignerClient } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import { AthenaReportEngine } from '../reports/athena-engine.ts';
import type { ReportEngine } from '../reports/engine.ts';
import { reportMaxScanBytes } from '../reports/limits.ts';
import { latestSnapshot } from '../reports/snapshot.ts';
import type { ReportReadPorts, ReportRequestPorts, ReportWorkerPorts } from '../use-cases/reports.ts';
import { cachedParquetFiles, readBucketJson } from './analytics-files.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { runQueue } from './job-queue.ts';
import { S3ReportRunFiles } from './report-files.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

function latestExport(jobs: DynamoJobRepository, bucket: string) {
  return () => latestSnapshot({ jobs, readJson: (key) => readBucketJson(s3Client(), bucket, key) });
}

function runFiles(bucket: string): S3ReportRunFiles {
  return new S3ReportRunFiles(s3Client(), s3PresignerClient(), bucket);
}

export function reportRequestPorts(): ReportRequestPorts {
  const tableName = requireSetting('tableName');
  const jobs = new DynamoJobRepository(dynamoDb(), tableName);
  return {
    jobs,
    runtime: systemRuntime,
    queue: runQueue('reports'),
    departments: new DynamoDepartmentRepository(dynamoDb(), tableName),
    users: new DynamoUserRepository(dynamoDb(), tableName),
    latestExport: latestExport(jobs, requireSetting('analyticsBucket')),
  };
}

export function reportReadPorts(): ReportReadPorts {
  return {
    jobs: new DynamoJobRepository(dynamoDb(), requireSetting('tableName')),
    files: runFiles(requireSetting('analyticsBucket')),
  };
}

export function reportWorkerPorts(): ReportWorkerPorts {
  const jobs = new DynamoJobRepository(dynamoDb(), requireSetting('tableName'));
  const bucket = requireSetting('analyticsBucket');
  return {
    jobs,
    runtime: systemRuntime,
    // The worker's 900 s, less time to write the rows and record the run.
    engine: reportEngine(bucket, 780_000),
    latestExport: latestExport(jobs, bucket),
    files: runFiles(bucket),
  };
}

/**
 * Athena where the workgroup is set (AWS); DuckDB over the export's files, downloaded once, elsewhere. DuckDB
 * is imported only when it runs: it is a native module no Lambda bundle ships (`LMS_BUNDLING` keeps it
 * external), and in AWS every function that runs reports has the workgroup.
 * @param deadlineMs how long an Athena query may run before it is stopped: the function's timeout, less time
 * to answer or record the run.
 */
export function reportEngine(bucket: string, deadlineMs: number): ReportEngine {
  const workgroup = optionalSetting('athenaWorkgroup');
  if (workgroup)
    return new AthenaReportEngine(athenaClient(), {
      workgroup,
      database: requireSetting('analyticsDatabase'),
      maxScanBytes: reportMaxScanBytes(),
      deadlineMs,
    });
  let duckdb: Promise<ReportEngine> | undefined;
  return {
    run: async (query) => {
      duckdb ??= import('../reports/duckdb-engine.ts').then(
        ({ DuckDbReportEngine }) =>
          // A run's files never change, so the cache is shared by every run of one machine.
          new DuckDbReportEngine(
            cachedParquetFiles(s3Client(), bucket, path.join(tmpdir(), 'lms-report-files')),
            { threads: 2, memoryLimit: '1GB' },
          ),
      );
      return (await duckdb).run(query);
    },
  };
}

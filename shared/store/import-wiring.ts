/** Builds the import ports once per cold start; each function gets the buckets and queue it is bound to. */
import { cognitoClient, dynamoDb, s3Client, s3PresignerClient, sqsClient } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type { ImportWork } from '../use-cases/imports/requests.ts';
import { DynamoAuditTrail } from './audit-store.ts';
import { DynamoBusinessMetricBulk } from './business-metric-bulk.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoCohortBulk } from './cohort-bulk.ts';
import { DynamoCohortRepository } from './cohort-store.ts';
import { DynamoContentRepository } from './content-store.ts';
import { DynamoCourseBulk } from './course-bulk.ts';
import { DynamoDepartmentBulk } from './department-bulk.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { DynamoEnrollmentBulk } from './enrollment-bulk.ts';
import { DynamoEnrollmentRepository } from './enrollment-store.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { S3ImportFiles } from './import-files.ts';
import { DynamoChangeLog, DynamoImportRepository, DynamoPeopleBulk } from './import-store.ts';
import { SqsImportWork } from './import-work.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

export function importPorts() {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const bucket = optionalSetting('uploadsBucket');
  const queueUrl = optionalSetting('importsQueueUrl');
  const unbound = (what: string) => () => {
    throw new Error(`This function is not bound to ${what}.`);
  };
  return {
    imports: new DynamoImportRepository(client, tableName),
    files: new S3ImportFiles(s3Client(), s3PresignerClient(), bucket ?? ''),
    changeLog: new DynamoChangeLog(client, tableName),
    peopleBulk: new DynamoPeopleBulk(client, tableName),
    enrollmentBulk: new DynamoEnrollmentBulk(client, tableName),
    courseBulk: new DynamoCourseBulk(client, tableName),
    departmentBulk: new DynamoDepartmentBulk(client, tableName),
    businessMetricBulk: new DynamoBusinessMetricBulk(client, tableName),
    cohortBulk: new DynamoCohortBulk(client, tableName),
    cohorts: new DynamoCohortRepository(client, tableName),
    users: new DynamoUserRepository(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    enrollments: new DynamoEnrollmentRepository(client, tableName),
    catalog: new DynamoCatalogRepository(client, tableName),
    content: new DynamoContentRepository(client, tableName),
    audit: new DynamoAuditTrail(client, tableName),
    work: (queueUrl
      ? new SqsImportWork(sqsClient(), queueUrl)
      : { start: unbound('the imports queue (IMPORTS_QUEUE_URL)') }) satisfies ImportWork,
    runtime: systemRuntime,
  };
}

/** The apply and undo runs' ports: the import ports, and the user pool to sign suspended people out. */
export function importRunPorts() {
  return {
    ...importPorts(),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
  };
}

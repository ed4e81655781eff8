/**
 * The import steps' ports on a DynamoDB client and table of the caller's choosing, as importPorts() builds
 * them for the functions: the resilience test and the import benchmark give them a client with injected
 * faults (dynamodb-faults.ts) and a table of their own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoClient, s3Client, s3PresignerClient } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { DynamoAuditTrail } from '../../shared/store/audit-store.ts';
import { DynamoBusinessMetricBulk } from '../../shared/store/business-metric-bulk.ts';
import { DynamoCatalogRepository } from '../../shared/store/catalog-store.ts';
import { DynamoCohortBulk } from '../../shared/store/cohort-bulk.ts';
import { DynamoCohortRepository } from '../../shared/store/cohort-store.ts';
import { DynamoContentRepository } from '../../shared/store/content-store.ts';
import { DynamoCourseBulk } from '../../shared/store/course-bulk.ts';
import { DynamoDepartmentBulk } from '../../shared/store/department-bulk.ts';
import { DynamoDepartmentRepository } from '../../shared/store/department-store.ts';
import { DynamoEnrollmentBulk } from '../../shared/store/enrollment-bulk.ts';
import { DynamoEnrollmentRepository } from '../../shared/store/enrollment-store.ts';
import { CognitoIdentityDirectory } from '../../shared/store/identity-directory.ts';
import { S3ImportFiles } from '../../shared/store/import-files.ts';
import {
  DynamoChangeLog,
  DynamoImportRepository,
  DynamoPeopleBulk,
} from '../../shared/store/import-store.ts';
import { DynamoUserRepository } from '../../shared/store/user-store.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import type { ImportWork } from '../../shared/use-cases/imports/requests.ts';

/** A DynamoDB client configured as shared/clients.ts configures the functions' (endpoint from the env). */
export function documentClient(base: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Where the test puts an import's upload: beside the import's files, but not at `imports/<id>/source`, whose
 * S3 event would start the local stack's own plan job. The caller runs the plan step itself.
 */
export const testSourceKey = (importId: string) => `imports/${importId}/test-upload`;

/** The import's files, with the upload at {@link testSourceKey}. */
class TestUploadFiles extends S3ImportFiles {
  constructor(private readonly uploads: string) {
    super(s3Client(), s3PresignerClient(), uploads);
  }

  override async uploadSize(importId: string): Promise<number | undefined> {
    try {
      const head = await s3Client().send(
        new HeadObjectCommand({ Bucket: this.uploads, Key: testSourceKey(importId) }),
      );
      return head.ContentLength;
    } catch {
      return undefined;
    }
  }

  override async source(importId: string) {
    const { Body } = await s3Client().send(
      new GetObjectCommand({ Bucket: this.uploads, Key: testSourceKey(importId) }),
    );
    if (!Body) throw new Error(`no test upload for import ${importId}`);
    return Body as AsyncIterable<Uint8Array>;
  }

  override async discardSource(importId: string): Promise<void> {
    await s3Client().send(new DeleteObjectCommand({ Bucket: this.uploads, Key: testSourceKey(importId) }));
  }
}

/** No queue: the caller runs apply itself. */
const noQueue: ImportWork = { start: async () => {} };

export function importTestPorts(client: DynamoDBDocumentClient, tableName: string) {
  return {
    imports: new DynamoImportRepository(client, tableName),
    files: new TestUploadFiles(requireSetting('uploadsBucket')),
    changeLog: new DynamoChangeLog(client, tableName),
    peopleBulk: new DynamoPeopleBulk(client, tableName),
    enrollmentBulk: new DynamoEnrollmentBulk(client, tableName),
    users: new DynamoUserRepository(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    enrollments: new DynamoEnrollmentRepository(client, tableName),
    courseBulk: new DynamoCourseBulk(client, tableName),
    departmentBulk: new DynamoDepartmentBulk(client, tableName),
    businessMetricBulk: new DynamoBusinessMetricBulk(client, tableName),
    cohortBulk: new DynamoCohortBulk(client, tableName),
    cohorts: new DynamoCohortRepository(client, tableName),
    catalog: new DynamoCatalogRepository(client, tableName),
    content: new DynamoContentRepository(client, tableName),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
    audit: new DynamoAuditTrail(client, tableName),
    work: noQueue,
    runtime: systemRuntime,
  };
}

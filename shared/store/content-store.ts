/** Jobs and content versions in the single table. */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { ContentVersion } from '../domain/content.ts';
import { ConflictError } from '../domain/errors.ts';
import { Job } from '../domain/job.ts';
import type { ContentRepository, ImportCommit, JobRepository } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { transactWrite } from './transact.ts';
import { putNew, putVersioned, updateVersioned } from './versioned.ts';

export class DynamoJobRepository implements JobRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: Job, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, jobItem(job), { kind: 'job', id: job.id }),
      auditWrite(this.tableName, audit),
    ]);
  }

  async get(id: string): Promise<Job | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.job(id) }));
    return Item ? Job.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async save(job: Job, expectedVersion: number): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(this.tableName, jobItem(job), { kind: 'job', id: job.id, expected: expectedVersion }),
    ]);
  }
}

export class DynamoContentRepository implements ContentRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getContentVersion(courseId: string, version: number): Promise<ContentVersion | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.contentVersion(courseId, version) }),
    );
    return Item ? ContentVersion.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async listContentVersions(courseId: string): Promise<ContentVersion[]> {
    const { pk } = keys.course(courseId);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'CONTENT#0' },
        ScanIndexForward: false,
      }),
    );
    return (result.Items ?? []).map((item) => ContentVersion.parse(withoutStorageAttributes(item)));
  }

  async allocateContentVersion(courseId: string): Promise<number> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.course(courseId).pk, sk: 'CONTENT#COUNTER' },
        UpdateExpression: 'ADD lastVersion :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.lastVersion);
  }

  async commitImport(change: ImportCommit): Promise<void> {
    const { content, course, job } = change;
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.contentVersion(content.courseId, content.version),
              entity: 'content-version',
              ...content,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () =>
          new ConflictError(`Version ${content.version} of course ${content.courseId} already exists.`),
      },
      updateVersioned(
        this.tableName,
        keys.course(course.id),
        {
          UpdateExpression: 'SET currentContentVersion = :content, updatedAt = :at, version = :version',
          ExpressionAttributeValues: {
            ':content': content.version,
            ':at': course.updatedAt,
            ':version': course.version,
          },
        },
        { kind: 'course', id: course.id, expected: change.expectedCourseVersion },
      ),
      putVersioned(this.tableName, jobItem(job), {
        kind: 'job',
        id: job.id,
        expected: change.expectedJobVersion,
      }),
      auditWrite(this.tableName, change.audit),
    ]);
  }
}

function jobItem(job: Job): Record<string, unknown> {
  return { ...keys.job(job.id), entity: 'job', ...job };
}

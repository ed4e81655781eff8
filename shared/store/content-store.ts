/** Jobs and content versions in the single table. */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { ContentVersion } from '../domain/content.ts';
import { ConflictError } from '../domain/errors.ts';
import { Job, type JobKind, type JobStatus } from '../domain/job.ts';
import type {
  ContentRepository,
  ImportCommit,
  JobRepository,
  Page,
  PageRequest,
} from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { decodeCursor } from './cursor.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { pageOfPartition, queryPage } from './query-pages.ts';
import { transactWrite } from './transact.ts';
import { putNew, putVersioned, updateVersioned } from './versioned.ts';

export class DynamoJobRepository implements JobRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: Job, audit: AuditRecord | null): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, jobItem(job), { kind: 'job', id: job.id }),
      ...(audit ? [auditWrite(this.tableName, audit)] : []),
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

  async list(filter: { type?: JobKind; status?: JobStatus }, page: PageRequest): Promise<Page<Job>> {
    const index = filter.type ? 'gsi2' : 'gsi1';
    const partition = filter.type ? `JOBS#${filter.type}` : 'JOBS';
    if (!filter.status) {
      return pageOfPartition(
        this.client,
        this.tableName,
        { index, partition, newestFirst: true, schema: Job },
        page,
      );
    }
    const result = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        FilterExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': partition, ':status': filter.status },
        ScanIndexForward: false,
        ExclusiveStartKey: decodeCursor(page.cursor, ['pk', 'sk', `${index}pk`, `${index}sk`], {
          [`${index}pk`]: partition,
        }),
      },
      page.limit,
    );
    return {
      items: result.items.map((item) => Job.parse(withoutStorageAttributes(item))),
      nextCursor: result.nextCursor,
    };
  }

  async acquireLock(
    name: string,
    runId: string,
    leaseUntil: string,
    now: string,
  ): Promise<{ acquired: true; abandoned: string | null } | { acquired: false; heldBy: string }> {
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.jobLock(name), entity: 'job-lock', runId, leaseUntil },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { acquired: true, abandoned: (Attributes?.runId as string | undefined) ?? null };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keys.jobLock(name), ConsistentRead: true }),
      );
      // Released between the two calls: try once more.
      if (!Item) return this.acquireLock(name, runId, leaseUntil, now);
      return { acquired: false, heldBy: String(Item.runId) };
    }
  }

  async renewLock(name: string, runId: string, leaseUntil: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.jobLock(name),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'runId = :run',
          ExpressionAttributeValues: { ':until': leaseUntil, ':run': runId },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async releaseLock(name: string, runId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.jobLock(name),
          ConditionExpression: 'runId = :run',
          ExpressionAttributeValues: { ':run': runId },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
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
  return {
    ...keys.job(job.id),
    ...keys.jobsByTime(job.createdAt, job.id),
    ...keys.jobsOfKind(job.type, job.createdAt, job.id),
    entity: 'job',
    ...job,
  };
}

/**
 * Attempts in the single table: one item per attempt holding the summary (what the API shows), the SCORM
 * data model (`cmi`, a map of flattened elements), the hash of the current launch token and the digest of
 * the last commit (what makes a retried commit a replay). Every write is conditioned on the version read,
 * and a commit also on the token it was made with, so a commit never overwrites one it did not see.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Attempt } from '../domain/attempt.ts';
import { StaleVersionError } from '../domain/errors.ts';
import type { AttemptRecord, AttemptRepository } from '../use-cases/ports.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { conditionalWrite } from './transact.ts';

/** A course's attempts read for its performance figures: at most this many, the newest. */
export const PERFORMANCE_ATTEMPTS_LIMIT = 20_000;

export class DynamoAttemptRepository implements AttemptRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<AttemptRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.attempt(id), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Creates the attempt, or replaces it (a new session) while it is at `expected`. */
  async save(record: AttemptRecord, expected: number | null): Promise<void> {
    const { attempt } = record;
    await conditionalWrite(
      () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(record),
            ...(expected === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expected },
                }),
          }),
        ),
      () => new StaleVersionError('attempt', attempt.id, expected ?? 0, undefined),
    );
  }

  /**
   * One commit: the data model, the summary and the commit's digest, while the attempt is at the version
   * read and still holds the token the commit came with. One UpdateItem: a commit is the runtime's hot path.
   */
  async commit(before: AttemptRecord, after: AttemptRecord): Promise<void> {
    const { attempt } = after;
    await conditionalWrite(
      () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.attempt(attempt.id),
            UpdateExpression:
              'SET cmi = :cmi, seq = :seq, #status = :status, outcome = :outcome, endedAt = :endedAt, lastCommit = :lastCommit, tokenExpiresAt = :tokenExpiresAt, version = :version',
            ConditionExpression: 'version = :expected AND tokenHash = :tokenHash',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':cmi': after.cmi,
              ':seq': attempt.seq,
              ':status': attempt.status,
              ':outcome': attempt.outcome,
              ':endedAt': attempt.endedAt,
              ':lastCommit': after.lastCommit,
              ':tokenExpiresAt': after.tokenExpiresAt,
              ':version': attempt.version,
              ':expected': before.attempt.version,
              ':tokenHash': before.tokenHash,
            },
          }),
        ),
      () => new StaleVersionError('attempt', attempt.id, before.attempt.version, undefined),
    );
  }

  /** A learner's attempts in a course, oldest first. */
  async ofLearner(userId: string, courseId: string): Promise<Attempt[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.attemptsOfLearner(userId, courseId, '', '').gsi2pk },
    });
    return items.map((item) => fromItem(item).attempt);
  }

  /** A course's attempts launched in [from, to), newest first, at most `limit`. */
  async ofCourse(courseId: string, from: string, to: string, limit: number): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.attemptsOfCourse(courseId, '', '').gsi1pk,
            ':from': from,
            ':to': `${to}`,
          },
          ScanIndexForward: false,
          Limit: Math.min(1000, limit - attempts.length),
          ExclusiveStartKey: startKey,
        }),
      );
      attempts.push(...(page.Items ?? []).map((item) => fromItem(item).attempt));
      startKey = page.LastEvaluatedKey;
    } while (startKey && attempts.length < limit);
    return attempts;
  }
}

function toItem(record: AttemptRecord): Record<string, unknown> {
  const { attempt } = record;
  return {
    ...keys.attempt(attempt.id),
    ...keys.attemptsOfCourse(attempt.courseId, attempt.launchedAt, attempt.id),
    ...keys.attemptsOfLearner(attempt.launchedBy, attempt.courseId, attempt.launchedAt, attempt.id),
    ...attempt,
    cmi: record.cmi,
    contentUrl: record.contentUrl,
    tokenHash: record.tokenHash,
    tokenExpiresAt: record.tokenExpiresAt,
    lastCommit: record.lastCommit,
  };
}

function fromItem(item: Record<string, unknown>): AttemptRecord {
  const { cmi, contentUrl, tokenHash, tokenExpiresAt, lastCommit, ...rest } = withoutStorageAttributes(item);
  return {
    attempt: Attempt.parse(rest),
    cmi: (cmi ?? {}) as Record<string, string>,
    contentUrl: String(contentUrl),
    tokenHash: String(tokenHash),
    tokenExpiresAt: String(tokenExpiresAt),
    lastCommit: (lastCommit ?? null) as AttemptRecord['lastCommit'],
  };
}

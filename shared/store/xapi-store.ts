/**
 * The LRS in the single table: sessions and registrations (versioned items), statements (one item each, the
 * statement kept as its JSON text so it comes back exactly as stored, with the attributes GET filters on),
 * and a request counter per session. Statements are listed from gsi1, one partition per registration
 * (every caller of the LRS is a session, which reads only its own registration), in `stored` order; verb,
 * activity and registration filters run inside that partition.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../use-cases/ports.ts';
import type { LrsChange, LrsStore, StatementQuery, StoredStatement } from '../xapi/ports.ts';
import { type LrsSession, REQUEST_LIMIT, type Registration } from '../xapi/session.ts';
import {
  activityIdOf,
  registrationOf,
  relatedActivityIdsOf,
  type Statement,
  verbIdOf,
} from '../xapi/statement.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { batchGetAll, queryPage } from './query-pages.ts';
import { TTL_ATTRIBUTE } from './table-schema.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';
import { putNew, putVersioned } from './versioned.ts';
import { documentItem } from './xapi-document-store.ts';

export class DynamoLrsStore implements LrsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async session(id: string): Promise<LrsSession | undefined> {
    const item = await this.get(keys.xapiSession(id));
    return item ? (withoutStorageAttributes(item) as unknown as LrsSession) : undefined;
  }

  async registration(courseId: string, userId: string, preview: boolean): Promise<Registration | undefined> {
    const item = await this.get(keys.xapiRegistration(courseId, userId, preview));
    return item ? (withoutStorageAttributes(item) as unknown as Registration) : undefined;
  }

  async statements(ids: readonly string[]): Promise<Map<string, StoredStatement>> {
    const unique = [...new Set(ids)];
    const found = await batchGetAll(this.client, this.tableName, unique.map(keys.xapiStatement), {
      parse: (item: unknown) => fromItem(item as Record<string, unknown>),
    });
    return new Map(found.map((stored) => [String(stored.statement.id), stored]));
  }

  async listStatements(query: StatementQuery): Promise<Page<StoredStatement>> {
    const partition = keys.xapiStatementsOfRegistration(query.registration, '', '').gsi1pk;
    // gsi1sk is `<stored>#<order>`: `~` sorts after every order, so `<since>#~` is past all of `since`'s.
    const range =
      query.since !== undefined && query.until !== undefined
        ? ' AND gsi1sk BETWEEN :from AND :to'
        : query.since !== undefined
          ? ' AND gsi1sk > :from'
          : query.until !== undefined
            ? ' AND gsi1sk <= :to'
            : '';
    const filters = ['actorKey = :actor', 'attribute_not_exists(voidedBy)'];
    const values: Record<string, unknown> = { ':pk': partition, ':actor': query.actorKey };
    if (query.since !== undefined) values[':from'] = `${query.since}#~`;
    if (query.until !== undefined) values[':to'] = `${query.until}#~`;
    if (query.verb !== undefined) {
      filters.push('verbId = :verb');
      values[':verb'] = query.verb;
    }
    if (query.activity !== undefined) {
      filters.push(
        query.relatedActivities ? 'contains(relatedActivityIds, :activity)' : 'activityId = :activity',
      );
      values[':activity'] = query.activity;
    }
    if (query.contextRegistration !== undefined) {
      filters.push('contextRegistration = :registration');
      values[':registration'] = query.contextRegistration;
    }
    const page = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: `gsi1pk = :pk${range}`,
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeValues: values,
        ScanIndexForward: query.ascending,
        ExclusiveStartKey: decodeCursor(query.cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], {
          gsi1pk: partition,
        }),
      },
      // One more than asked tells whether a next page exists, so the last page has no `more` link.
      query.limit + 1,
    );
    const last = page.items.length > query.limit ? page.items[query.limit - 1] : undefined;
    const kept = last ? page.items.slice(0, query.limit) : page.items;
    const nextCursor = last
      ? encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk })
      : page.nextCursor;
    return { items: kept.map(fromItem), nextCursor };
  }

  async commit(change: LrsChange): Promise<void> {
    const writes: GuardedWrite[] = [
      ...change.statements.map((stored, order) =>
        putNew(this.tableName, statementItem(stored, order), {
          kind: 'statement',
          id: String(stored.statement.id),
        }),
      ),
      ...change.voided.map(
        ({ id, by }): GuardedWrite => ({
          item: {
            Update: {
              TableName: this.tableName,
              Key: keys.xapiStatement(id),
              UpdateExpression: 'SET voidedBy = if_not_exists(voidedBy, :by)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':by': by },
            },
          },
        }),
      ),
      ...change.sessions.map(({ session, expected }) =>
        putVersioned(
          this.tableName,
          { ...keys.xapiSession(session.id), ...session, version: (expected ?? 0) + 1 },
          { kind: 'session', id: session.id, expected },
        ),
      ),
      ...(change.registration ? [this.registrationWrite(change.registration)] : []),
      ...change.documents.map(
        ({ scope, document }): GuardedWrite => ({
          item: { Put: { TableName: this.tableName, Item: documentItem(scope, document) } },
        }),
      ),
    ];
    await transactWrite(this.client, writes);
  }

  async markFetched(
    sessionId: string,
    expectedVersion: number,
    at: string,
    authTokenHash: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.xapiSession(sessionId),
          UpdateExpression: 'SET fetchedAt = :at, authTokenHash = :hash, version = version + :one',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: {
            ':at': at,
            ':hash': authTokenHash,
            ':one': 1,
            ':expected': expectedVersion,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * A fixed window per session: one conditional ADD while the window lasts and has room; a new window
   * resets the count; otherwise the wait until the window ends. No read: concurrent requests of one
   * session cannot both take the last place. The item expires (TTL) a day later.
   */
  async countRequest(sessionId: string, now: Date): Promise<number | undefined> {
    const windowMs = REQUEST_LIMIT.windowSeconds * 1000;
    const window = Math.floor(now.getTime() / windowMs);
    const key = keys.xapiSessionRequests(sessionId);
    const admitted = async (update: string, condition: string, values: Record<string, unknown>) => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error | undefined)?.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    };
    const count = () =>
      admitted('ADD requests :one', 'requestWindow = :window AND requests < :limit', {
        ':one': 1,
        ':window': window,
        ':limit': REQUEST_LIMIT.requests,
      });
    const startWindow = () =>
      admitted(
        `SET requestWindow = :window, requests = :one, ${TTL_ATTRIBUTE} = :expires`,
        'attribute_not_exists(requestWindow) OR requestWindow < :window',
        { ':one': 1, ':window': window, ':expires': Math.floor(now.getTime() / 1000) + 86_400 },
      );
    // Count in the current window; else start a new one; else another request just started it: count.
    if ((await count()) || (await startWindow()) || (await count())) return undefined;
    return Math.max(1, Math.ceil(((window + 1) * windowMs - now.getTime()) / 1000));
  }

  private registrationWrite({
    registration,
    expected,
  }: NonNullable<LrsChange['registration']>): GuardedWrite {
    const item = {
      ...keys.xapiRegistration(registration.courseId, registration.userId, registration.preview),
      ...registration,
      version: (expected ?? 0) + 1,
    };
    return putVersioned(this.tableName, item, { kind: 'registration', id: registration.id, expected });
  }

  private async get(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
}

/** A statement's item: its JSON, and what listing filters on. `order`: its place in its batch. */
function statementItem(stored: LrsChange['statements'][number], order: number): Record<string, unknown> {
  const { statement } = stored;
  const id = String(statement.id);
  const storedAt = String(statement.stored);
  const activityId = activityIdOf(statement);
  const contextRegistration = registrationOf(statement);
  return {
    ...keys.xapiStatement(id),
    ...keys.xapiStatementsOfRegistration(
      stored.registration,
      storedAt,
      `${String(order).padStart(3, '0')}#${id}`,
    ),
    json: JSON.stringify(statement),
    registration: stored.registration,
    actorKey: stored.actorKey,
    timestampAssigned: stored.timestampAssigned,
    ...(stored.voidedBy !== null ? { voidedBy: stored.voidedBy } : {}),
    ...(stored.sessionId !== null ? { sessionId: stored.sessionId } : {}),
    verbId: verbIdOf(statement),
    ...(activityId !== undefined ? { activityId } : {}),
    relatedActivityIds: relatedActivityIdsOf(statement),
    ...(contextRegistration !== undefined ? { contextRegistration } : {}),
  };
}

function fromItem(item: Record<string, unknown>): StoredStatement {
  return {
    statement: JSON.parse(String(item.json)) as Statement,
    registration: String(item.registration),
    actorKey: String(item.actorKey),
    timestampAssigned: item.timestampAssigned === true,
    voidedBy: typeof item.voidedBy === 'string' ? item.voidedBy : null,
  };
}

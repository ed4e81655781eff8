/**
 * The catalog in the single table: courses (listed by title, and by status), categories and learning paths.
 * Every write is version-checked and carries its audit record in the same transaction.
 * Search is a filtered query (title, description and tags lowercased into `searchText`): right for
 * catalogs of thousands of courses; a search service would be the step beyond that.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Category, Course, LearningPath, searchText } from '../domain/course.ts';
import { BusinessRuleError, ConflictError } from '../domain/errors.ts';
import type { CatalogRepository, CourseFilter, Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimOwner, moveClaim, siblingNameKey } from './claims.ts';
import { decodeCursor } from './cursor.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { batchGetAll, inFilter, pageOfPartition, queryAll, queryPage } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';
import { putVersioned } from './versioned.ts';

export class DynamoCatalogRepository implements CatalogRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCourse(id: string): Promise<Course | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.course(id) }),
    );
    return Item ? Course.parse(withoutStorageAttributes(Item)) : undefined;
  }

  getCourses(ids: readonly string[]): Promise<Course[]> {
    return batchGetAll(
      this.client,
      this.tableName,
      ids.map((id) => keys.course(id)),
      Course,
    );
  }

  async listCourses(filter: CourseFilter, page: PageRequest): Promise<Page<Course>> {
    if (filter.code !== undefined) {
      const id = await claimOwner(this.client, this.tableName, 'courseCode', filter.code.toLowerCase());
      const course = id ? await this.getCourse(id) : undefined;
      const shown = course && (filter.status === undefined || course.status === filter.status);
      return { items: shown ? [course] : [], nextCursor: null };
    }
    const byStatus = filter.status !== undefined;
    const index = byStatus ? 'gsi2' : 'gsi1';
    const pkName = `${index}pk`;
    const pkValue = byStatus
      ? keys.coursesByStatus(filter.status ?? '', '', '').gsi2pk
      : keys.coursesByTitle('', '').gsi1pk;
    const partition: Record<string, string> = { [pkName]: pkValue };
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':pk': pkValue };
    if (filter.q) {
      conditions.push('contains(searchText, :q)');
      values[':q'] = filter.q.toLowerCase();
    }
    if (filter.tag) {
      conditions.push('contains(tags, :tag)');
      values[':tag'] = filter.tag;
    }
    if (filter.ownerId) {
      conditions.push('contains(ownerIds, :owner)');
      values[':owner'] = filter.ownerId;
    }
    if (filter.reviewDueBy) {
      conditions.push('reviewBy <= :reviewDueBy AND #status <> :archived');
      values[':reviewDueBy'] = filter.reviewDueBy;
      values[':archived'] = 'archived';
    }
    if (filter.categoryIds) {
      const within = inFilter('categoryId', filter.categoryIds);
      conditions.push(within.expression);
      Object.assign(values, within.values);
    }
    const result = await queryPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: `${pkName} = :pk`,
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ...(filter.reviewDueBy ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: values,
        ExclusiveStartKey: decodeCursor(page.cursor, ['pk', 'sk', `${index}pk`, `${index}sk`], partition),
      },
      page.limit,
    );
    return {
      items: result.items.map((item) => Course.parse(withoutStorageAttributes(item))),
      nextCursor: result.nextCursor,
    };
  }

  /**
   * Courses with a date at or before `until` in `field`, in one status: its whole partition, filtered (drafts
   * and published every few minutes; the archived courses once a day, for archival).
   */
  async coursesDue(
    status: Course['status'],
    field: 'publishAt' | 'archiveAt' | 'reviewBy' | 'archivedAt',
    until: string,
  ): Promise<Course[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#due <= :until',
      ExpressionAttributeNames: { '#due': field },
      ExpressionAttributeValues: { ':pk': keys.coursesByStatus(status, '', '').gsi2pk, ':until': until },
    });
    return items.map((item) => Course.parse(withoutStorageAttributes(item)));
  }

  async putCourse(
    course: Course,
    before: Course | null,
    audit: AuditRecord,
    guards: readonly Course[] = [],
  ): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(this.tableName, courseItem(course), {
        kind: 'course',
        id: course.id,
        expected: before?.version ?? null,
      }),
      ...moveClaim(this.tableName, before ? codeClaim(before) : undefined, codeClaim(course)),
      // The courses a prerequisite check walked must be as read, so two concurrent edits cannot close a cycle.
      ...guards.map((guard) => this.unchanged(keys.course(guard.id), guard.version, `course ${guard.title}`)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async getCategory(id: string): Promise<Category | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.category(id) }),
    );
    return Item ? Category.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async listCategories(): Promise<Category[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.categoriesByName('', '').gsi1pk },
    });
    return items.map((item) => Category.parse(withoutStorageAttributes(item)));
  }

  async putCategory(category: Category, before: Category | null, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(
        this.tableName,
        {
          ...keys.category(category.id),
          ...keys.categoriesByName(category.name.toLowerCase(), category.id),
          entity: 'category',
          ...category,
        },
        { kind: 'category', id: category.id, expected: before?.version ?? null },
      ),
      ...moveClaim(this.tableName, before ? nameClaim(before) : undefined, nameClaim(category)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async getLearningPath(id: string): Promise<LearningPath | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.learningPath(id) }),
    );
    return Item ? LearningPath.parse(withoutStorageAttributes(Item)) : undefined;
  }

  listLearningPaths(page: PageRequest): Promise<Page<LearningPath>> {
    const partition = keys.learningPathsByTitle('', '').gsi1pk;
    return pageOfPartition(
      this.client,
      this.tableName,
      { index: 'gsi1', partition, schema: LearningPath },
      page,
    );
  }

  async putLearningPath(
    path: LearningPath,
    expectedVersion: number | null,
    audit: AuditRecord,
  ): Promise<void> {
    await transactWrite(this.client, [
      putVersioned(
        this.tableName,
        {
          ...keys.learningPath(path.id),
          ...keys.learningPathsByTitle(path.title.toLowerCase(), path.id),
          entity: 'learning-path',
          ...path,
        },
        { kind: 'learning path', id: path.id, expected: expectedVersion },
      ),
      ...path.courseIds.map((id) =>
        this.exists(keys.course(id), `No course with id ${id}.`, 'body.courseIds'),
      ),
      auditWrite(this.tableName, audit),
    ]);
  }

  private unchanged(key: Record<string, string>, version: number, what: string): GuardedWrite {
    return {
      item: {
        ConditionCheck: {
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version },
        },
      },
      onConditionFailed: () => new ConflictError(`The ${what} changed meanwhile; try again.`),
    };
  }

  private exists(key: Record<string, string>, message: string, path: string): GuardedWrite {
    return {
      item: {
        ConditionCheck: { TableName: this.tableName, Key: key, ConditionExpression: 'attribute_exists(pk)' },
      },
      onConditionFailed: () => new BusinessRuleError(message, [{ path, message: 'does not exist' }]),
    };
  }
}

function nameClaim(category: Category): Claim {
  const key = siblingNameKey(category.parentId, category.name);
  return { kind: 'categoryName', key, value: category.name, ownerId: category.id };
}

export function courseItem(course: Course): Record<string, unknown> {
  const titleLower = course.title.toLowerCase();
  return {
    ...keys.course(course.id),
    ...keys.coursesByTitle(titleLower, course.id),
    ...keys.coursesByStatus(course.status, titleLower, course.id),
    entity: 'course',
    searchText: searchText(course),
    ...course,
  };
}

/** A course's code, claimed ignoring case. */
export function codeClaim(course: Course): Claim | undefined {
  return course.code === null
    ? undefined
    : { kind: 'courseCode', key: course.code.toLowerCase(), value: course.code, ownerId: course.id };
}

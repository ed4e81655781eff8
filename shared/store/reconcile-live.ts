/**
 * The live side of reconciliation: what the pages count, read from the table as they read it (departments'
 * member counters and their people by index; each course's enrollments, strongly consistent).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnrollmentRepository, UserRepository } from '../use-cases/ports.ts';
import type { LivePerson, LiveTable } from '../use-cases/reconcile.ts';
import { keys } from './keys.ts';
import { queryAll } from './query-pages.ts';

export class DynamoLiveTable implements LiveTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly users: Pick<UserRepository, 'getMany'>,
    private readonly enrollments: Pick<EnrollmentRepository, 'allForCourse'>,
  ) {}

  async departments(): Promise<{ id: string; name: string; memberCount: number }[]> {
    const items = await this.all('gsi1', keys.departmentsByPath('').gsi1pk);
    return items.map((item) => ({
      id: String(item.id),
      name: String(item.name),
      memberCount: Number(item.memberCount ?? 0),
    }));
  }

  async peopleOfDepartment(departmentId: string): Promise<LivePerson[]> {
    const items = await this.all('gsi2', keys.usersOfDepartment(departmentId, '', '').gsi2pk);
    return items.map((item) => livePerson(item));
  }

  async people(ids: readonly string[]): Promise<LivePerson[]> {
    return (await this.users.getMany(ids)).map((user) => livePerson(user));
  }

  async courses(): Promise<{ id: string; title: string }[]> {
    const items = await this.all('gsi1', keys.coursesByTitle('', '').gsi1pk);
    return items.map((item) => ({ id: String(item.id), title: String(item.title) }));
  }

  async enrollmentsOfCourse(
    courseId: string,
  ): Promise<{ userId: string; enrolledAt: string; completedAt: string | null }[]> {
    return (await this.enrollments.allForCourse(courseId)).map((enrollment) => ({
      userId: enrollment.userId,
      enrolledAt: enrollment.enrolledAt,
      completedAt: enrollment.completedAt,
    }));
  }

  private all(index: 'gsi1' | 'gsi2', partition: string) {
    return queryAll(this.client, {
      TableName: this.tableName,
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
    });
  }
}

function livePerson(item: Record<string, unknown>): LivePerson {
  return {
    id: String(item.id),
    departmentId: (item.departmentId as string | null | undefined) ?? null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    erased: Boolean(item.erasedAt),
  };
}

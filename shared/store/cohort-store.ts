/**
 * Cohorts in the single table: the cohort item, one member item per person (listed per person on gsi1), and
 * one link item per linked course, all in the cohort's partition. Names are unique through a claim item.
 * Members are added and removed in transactions of up to 98 people plus the cohort's `memberCount` and one
 * batch audit record (which becomes one `cohort.member_*` event per person); a person who joined or left
 * meanwhile makes the batch fall back to one transaction per person, so the count never drifts.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Cohort, CohortCourseLink, CohortMember } from '../domain/cohort.ts';
import { ConflictError } from '../domain/errors.ts';
import type { CohortRepository, Page, PageRequest } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimOwner, claimWrite, moveClaim, releaseWrite } from './claims.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { batchGetAll, pageOfPartition, queryAll } from './query-pages.ts';
import { type GuardedWrite, MAX_TRANSACTION_ITEMS, transactWrite } from './transact.ts';
import { deleteVersioned, putNew, updateVersioned } from './versioned.ts';

/** Members per transaction: the rest of the 100 actions are the count and the audit record. */
export const MEMBERS_PER_TRANSACTION = MAX_TRANSACTION_ITEMS - 2;

export class DynamoCohortRepository implements CohortRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Cohort | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.cohort(id) }),
    );
    return Item ? Cohort.parse(withoutStorageAttributes(Item)) : undefined;
  }

  list(page: PageRequest): Promise<Page<Cohort>> {
    return pageOfPartition(
      this.client,
      this.tableName,
      { index: 'gsi1', partition: keys.cohortsByName('', '').gsi1pk, schema: Cohort },
      page,
    );
  }

  async ruleCohorts(): Promise<Cohort[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: 'kind = :rule',
      ExpressionAttributeValues: { ':pk': keys.cohortsByName('', '').gsi1pk, ':rule': 'rule' },
    });
    return items.map((item) => Cohort.parse(withoutStorageAttributes(item)));
  }

  async staticCohorts(): Promise<Cohort[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: 'kind = :static',
      ExpressionAttributeValues: { ':pk': keys.cohortsByName('', '').gsi1pk, ':static': 'static' },
    });
    return items.map((item) => Cohort.parse(withoutStorageAttributes(item)));
  }

  idByName(name: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'cohortName', name.toLowerCase());
  }

  idByExternalId(externalId: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'cohortExternalId', externalId);
  }

  async create(cohort: Cohort, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, cohortItem(cohort), { kind: 'cohort', id: cohort.id }),
      claimWrite(this.tableName, nameClaim(cohort)),
      ...moveClaim(this.tableName, undefined, externalIdClaim(cohort)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(before: Cohort, after: Cohort, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      // memberCount is left alone: member transactions move it concurrently.
      updateVersioned(
        this.tableName,
        keys.cohort(before.id),
        {
          UpdateExpression:
            'SET #name = :name, description = :description, #rule = :rule, externalId = :externalId, updatedAt = :updatedAt, version = :version, gsi1sk = :gsi1sk',
          ExpressionAttributeNames: { '#name': 'name', '#rule': 'rule' },
          ExpressionAttributeValues: {
            ':name': after.name,
            ':description': after.description,
            ':rule': after.rule,
            ':externalId': after.externalId,
            ':updatedAt': after.updatedAt,
            ':version': after.version,
            ':gsi1sk': keys.cohortsByName(after.name.toLowerCase(), after.id).gsi1sk,
          },
        },
        { kind: 'cohort', id: before.id, expected: before.version },
      ),
      ...moveClaim(this.tableName, nameClaim(before), nameClaim(after)),
      ...moveClaim(this.tableName, externalIdClaim(before), externalIdClaim(after)),
      auditWrite(this.tableName, audit),
    ]);
  }

  members(cohortId: string, page: PageRequest): Promise<Page<CohortMember>> {
    return pageOfPartition(
      this.client,
      this.tableName,
      { partition: keys.cohort(cohortId).pk, sortKeyPrefix: 'MEMBER#', schema: CohortMember },
      page,
    );
  }

  async allMemberIds(cohortId: string): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
      ExpressionAttributeValues: { ':pk': keys.cohort(cohortId).pk, ':member': 'MEMBER#' },
      ProjectionExpression: 'userId',
    });
    return items.map((item) => String(item.userId));
  }

  async membersAmong(cohortId: string, userIds: readonly string[]): Promise<string[]> {
    const found = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(userIds)].map((userId) => keys.cohortMember(cohortId, userId)),
      CohortMember,
    );
    return found.map((member) => member.userId);
  }

  async membershipsOf(userId: string): Promise<CohortMember[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.cohortsOfUser(userId, '').gsi1pk },
    });
    return items.map((item) => CohortMember.parse(withoutStorageAttributes(item)));
  }

  async addMembers(
    members: readonly CohortMember[],
    audit: (added: readonly CohortMember[]) => AuditRecord,
  ): Promise<CohortMember[]> {
    return this.changeMembers(members, 1, audit);
  }

  async removeMembers(
    members: readonly CohortMember[],
    audit: (removed: readonly CohortMember[]) => AuditRecord,
  ): Promise<CohortMember[]> {
    return this.changeMembers(members, -1, audit);
  }

  async delete(cohort: Cohort, audit: AuditRecord): Promise<void> {
    // Links are an administrator's doing; one made between this read and the delete would be left behind.
    if ((await this.links(cohort.id)).length > 0)
      throw new ConflictError('The cohort is linked to a course; unlink it first.');
    await transactWrite(this.client, [
      deleteVersioned(
        this.tableName,
        keys.cohort(cohort.id),
        { kind: 'cohort', id: cohort.id, expected: cohort.version },
        {
          condition: 'memberCount = :zero',
          values: { ':zero': 0 },
          refusal: () => new ConflictError('Someone joined the cohort meanwhile; remove its members first.'),
        },
      ),
      releaseWrite(this.tableName, nameClaim(cohort)),
      ...moveClaim(this.tableName, externalIdClaim(cohort), undefined),
      auditWrite(this.tableName, audit),
    ]);
  }

  async links(cohortId: string): Promise<CohortCourseLink[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :link)',
      ExpressionAttributeValues: { ':pk': keys.cohort(cohortId).pk, ':link': 'LINK#' },
    });
    return items.map((item) => CohortCourseLink.parse(withoutStorageAttributes(item)));
  }

  async linksOfCourse(courseId: string): Promise<CohortCourseLink[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.cohortLinksOfCourse(courseId, '').gsi2pk },
    });
    return items.map((item) => CohortCourseLink.parse(withoutStorageAttributes(item)));
  }

  async putLink(link: CohortCourseLink, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.cohortLink(link.cohortId, link.courseId),
              ...keys.cohortLinksOfCourse(link.courseId, link.cohortId),
              entity: 'cohort-link',
              ...link,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () => new ConflictError('The cohort is already linked to this course.'),
      },
      {
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.cohort(link.cohortId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  async deleteLink(link: CohortCourseLink, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.cohortLink(link.cohortId, link.courseId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      },
      auditWrite(this.tableName, audit),
    ]);
  }

  private async changeMembers(
    members: readonly CohortMember[],
    delta: 1 | -1,
    audit: (changed: readonly CohortMember[]) => AuditRecord,
  ): Promise<CohortMember[]> {
    const changed: CohortMember[] = [];
    for (let start = 0; start < members.length; start += MEMBERS_PER_TRANSACTION) {
      const chunk = members.slice(start, start + MEMBERS_PER_TRANSACTION);
      try {
        await this.writeMembers(chunk, delta, audit(chunk));
        changed.push(...chunk);
      } catch (error) {
        if (!(error instanceof MembershipChanged)) throw error;
        // Someone joined or left meanwhile: settle each person on their own.
        for (const member of chunk) {
          try {
            await this.writeMembers([member], delta, audit([member]));
            changed.push(member);
          } catch (single) {
            if (!(single instanceof MembershipChanged)) throw single;
          }
        }
      }
    }
    return changed;
  }

  private async writeMembers(
    members: readonly CohortMember[],
    delta: 1 | -1,
    audit: AuditRecord,
  ): Promise<void> {
    const cohortId = members[0]?.cohortId;
    if (!cohortId) return;
    const memberWrites: GuardedWrite[] = members.map((member) => ({
      item:
        delta === 1
          ? {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.cohortMember(member.cohortId, member.userId),
                  ...keys.cohortsOfUser(member.userId, member.cohortId),
                  entity: 'cohort-member',
                  ...member,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : {
              Delete: {
                TableName: this.tableName,
                Key: keys.cohortMember(member.cohortId, member.userId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
      onConditionFailed: () => new MembershipChanged(),
    }));
    const count: GuardedWrite = {
      item: {
        Update: {
          TableName: this.tableName,
          Key: keys.cohort(cohortId),
          UpdateExpression: 'ADD memberCount :delta',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':delta': delta * members.length },
        },
      },
      onConditionFailed: () => new ConflictError('The cohort no longer exists.'),
    };
    await transactWrite(this.client, [...memberWrites, count, auditWrite(this.tableName, audit)]);
  }
}

/** A member write found the person already in (adding) or already gone (removing). */
class MembershipChanged extends Error {}

/** Cohort names are unique without regard to case. */
export function nameClaim(cohort: Cohort): Claim {
  return { kind: 'cohortName', key: cohort.name.toLowerCase(), value: cohort.name, ownerId: cohort.id };
}

/** External ids are unique among cohorts, as given. */
export function externalIdClaim(cohort: Cohort): Claim | undefined {
  return cohort.externalId === null
    ? undefined
    : { kind: 'cohortExternalId', key: cohort.externalId, value: cohort.externalId, ownerId: cohort.id };
}

export function cohortItem(cohort: Cohort): Record<string, unknown> {
  return {
    ...keys.cohort(cohort.id),
    ...keys.cohortsByName(cohort.name.toLowerCase(), cohort.id),
    entity: 'cohort',
    ...cohort,
  };
}

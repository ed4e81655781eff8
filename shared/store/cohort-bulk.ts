/**
 * The cohorts an import creates (Canvas SIS sections, Moodle cohorts a people file names): each with its name
 * and external-id claims and its audit record, as the API's create writes them, many in one transaction
 * (bulk-transact.ts); one whose claim is taken is refused alone. Undo removes one only while it is at the
 * import's version with no members (its memberships are undone before it, as they come later in the plan).
 * The memberships themselves are written by the cohort repository (cohort-store.ts), counts and all.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { Cohort, CohortMember } from '../domain/cohort.ts';
import { ConflictError } from '../domain/errors.ts';
import { type CohortBulk, type CohortCreation, membershipKey } from '../use-cases/imports/ports.ts';
import { auditWrite } from './audit-store.ts';
import { consistentBatchGet, transactInGroups } from './bulk-transact.ts';
import { claimWrite, releaseWrite } from './claims.ts';
import { cohortItem, externalIdClaim, nameClaim } from './cohort-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { deleteVersioned, putNew } from './versioned.ts';

const CLAIM_KIND = { externalId: 'cohortExternalId', name: 'cohortName' } as const;

export class DynamoCohortBulk implements CohortBulk {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(ids: readonly string[]): Promise<Map<string, Cohort>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      ids.map((id) => keys.cohort(id)),
    );
    return new Map(
      items.map((item) => {
        const cohort = Cohort.parse(withoutStorageAttributes(item));
        return [cohort.id, cohort];
      }),
    );
  }

  async owners(kind: 'externalId' | 'name', values: readonly string[]): Promise<Map<string, string>> {
    const claim = CLAIM_KIND[kind];
    const prefix = `UNIQUE#${claim}#`;
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      values.map((value) => keys.unique(claim, kind === 'name' ? value.toLowerCase() : value)),
    );
    const owners = new Map<string, string>();
    for (const item of items)
      if (typeof item.ownerId === 'string') owners.set(String(item.pk).slice(prefix.length), item.ownerId);
    return owners;
  }

  async members(pairs: readonly { cohortId: string; userId: string }[]): Promise<Map<string, CohortMember>> {
    const items = await consistentBatchGet(
      this.client,
      this.tableName,
      pairs.map((pair) => keys.cohortMember(pair.cohortId, pair.userId)),
    );
    return new Map(
      items.map((item) => {
        const member = CohortMember.parse(withoutStorageAttributes(item));
        return [membershipKey(member), member];
      }),
    );
  }

  create(creations: readonly CohortCreation[], audits: readonly AuditRecord[]): Promise<Map<number, string>> {
    return transactInGroups(
      this.client,
      creations.map((creation, index) => {
        const cohort = creation.after;
        const audit = audits[index];
        const external = externalIdClaim(cohort);
        return {
          seq: creation.seq,
          writes: [
            putNew(this.tableName, cohortItem(cohort), { kind: 'cohort', id: cohort.id }),
            claimWrite(this.tableName, nameClaim(cohort)),
            ...(external ? [claimWrite(this.tableName, external)] : []),
            ...(audit ? [auditWrite(this.tableName, audit)] : []),
          ],
          counters: new Map(),
        };
      }),
      { counter: noCounter },
    );
  }

  remove(
    removals: readonly { seq: number; cohort: Cohort }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>> {
    return transactInGroups(
      this.client,
      removals.map(({ seq, cohort }, index) => {
        const audit = audits[index];
        const external = externalIdClaim(cohort);
        return {
          seq,
          writes: [
            deleteVersioned(
              this.tableName,
              keys.cohort(cohort.id),
              { kind: 'cohort', id: cohort.id, expected: cohort.version },
              {
                condition: 'memberCount = :zero',
                values: { ':zero': 0 },
                refusal: () =>
                  new ConflictError('changed, or given members, since the import: left as it is'),
              },
            ),
            releaseWrite(this.tableName, nameClaim(cohort)),
            ...(external ? [releaseWrite(this.tableName, external)] : []),
            ...(audit ? [auditWrite(this.tableName, audit)] : []),
          ],
          counters: new Map(),
        };
      }),
      { counter: noCounter },
    );
  }
}

/** Cohorts move no counter when they are created or removed. */
function noCounter(): never {
  throw new Error('cohort writes move no counter');
}

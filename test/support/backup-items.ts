/**
 * Table items of every entity type, for the backup and restore tests and the backup benchmark: generated,
 * deterministic (the n-th item of a type is always the same, so a test can regenerate what it expects
 * instead of holding 100,000 items), in DynamoDB's attribute-value form, shaped like the LMS's own items
 * (keys, index keys, versions, audit before/after maps, role sets, a sign-in's binary hash, idempotency
 * records without an `entity`), and written fast: BatchWriteItem calls in parallel.
 */
import { createHash } from 'node:crypto';
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type RawItem = Record<string, AttributeValue>;

/** Each entity type with its key prefix; `unknown` stands for items without an `entity` attribute. */
export const ENTITY_PREFIXES = {
  user: 'USER',
  department: 'DEPT',
  claim: 'UNIQUE#email',
  'admin-seat': 'ADMINS',
  course: 'COURSE',
  category: 'CATEGORY',
  'learning-path': 'PATH',
  'content-version': 'CONTENT',
  enrollment: 'ENROLLMENT',
  'waitlist-entry': 'WAITLIST',
  cohort: 'COHORT',
  'cohort-member': 'COHORTMEMBER',
  'cohort-link': 'COHORTLINK',
  audit: 'AUDIT#user',
  job: 'JOB',
  'job-lock': 'JOBLOCK',
  import: 'IMPORT',
  'import-change': 'IMPORTCHANGE',
  'import-waiting': 'IMPORTWAITING',
  'identity-provider': 'IDP',
  'api-client': 'APICLIENT',
  'scim-token': 'SCIMTOKEN',
  'sign-in': 'SIGNIN',
  attempt: 'ATTEMPT',
  'xapi-statement': 'XAPI',
  unknown: 'IDEMPOTENCY',
} as const;

export type GeneratedEntity = keyof typeof ENTITY_PREFIXES;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number | string): AttributeValue => ({ N: String(value) });

/** The `index`-th item of `entity`: always the same item. */
export function generatedItem(entity: GeneratedEntity, index: number): RawItem {
  const id = `${entity}-${String(index).padStart(6, '0')}`;
  const at = new Date(Date.UTC(2026, 0, 1) + index * 61_000).toISOString();
  const item: RawItem = {
    pk: s(`${ENTITY_PREFIXES[entity]}#${id}`),
    sk: s(entity === 'audit' ? `${at}#${id}` : entity.toUpperCase()),
  };
  if (entity !== 'unknown') item.entity = s(entity);
  item.createdAt = s(at);
  item.version = n((index % 7) + 1);
  switch (entity) {
    case 'user':
      Object.assign(item, {
        gsi1pk: s('USERS'),
        gsi1sk: s(`person${index}@example.com`),
        gsi2pk: s(`DEPT#dept-${index % 40}#USERS`),
        gsi2sk: s(`active#person${index}@example.com`),
        email: s(`person${index}@example.com`),
        givenName: s(['Ada', 'Grace', 'Alan', 'Édith', '李'][index % 5] as string),
        familyName: s(`Lovelace-${index}`),
        roles: { SS: index % 10 === 0 ? ['learner', 'manager'] : ['learner'] },
        status: s(index % 50 === 0 ? 'suspended' : 'active'),
        externalId: index % 3 === 0 ? { NULL: true } : s(`HR-${index}`),
        legalHold: { NULL: true },
      });
      break;
    case 'enrollment':
      Object.assign(item, {
        gsi1pk: s(`COURSE#course-${index % 500}#ENROLLMENTS`),
        gsi1sk: s(`user-${index}`),
        status: s(['enrolled', 'in-progress', 'completed', 'withdrawn'][index % 4] as string),
        score: n(index % 4 === 2 ? `${50 + (index % 50)}.5` : 0),
        sources: {
          L: [{ M: { kind: s('cohort'), id: s(`cohort-${index % 30}`) } }, { M: { kind: s('manual') } }],
        },
        dueAt: s(at),
        compliance: { BOOL: index % 5 === 0 },
      });
      break;
    case 'audit':
      Object.assign(item, {
        actor: s(`user:admin-${index % 3}`),
        action: s('user.updated'),
        target: s(`user:${id}`),
        before: { M: { status: s('active'), version: n(1), tags: { SS: ['a', 'b'] } } },
        after: { M: { status: s('suspended'), version: n(2), nothing: { NULL: true } } },
        requestId: s(`req-${index}`),
      });
      break;
    case 'sign-in':
      Object.assign(item, {
        // Binary values must come back byte for byte.
        tokenHash: { B: createHash('sha256').update(id).digest() },
        ip: s(`10.0.${index % 250}.${index % 200}`),
        expiresAt: n(1_900_000_000 + index),
      });
      break;
    case 'attempt':
      Object.assign(item, {
        cmi: {
          M: {
            'cmi.core.lesson_status': s('incomplete'),
            'cmi.suspend_data': s('x'.repeat(200 + (index % 300))),
            interactions: { L: [n(1), n(2.25), s('three')] },
          },
        },
        bigNumber: n('12345678901234567890123456789012345678'),
        scores: { NS: ['1', '2.5', '-3'] },
      });
      break;
    default:
      Object.assign(item, {
        gsi1pk: s(`${ENTITY_PREFIXES[entity]}S`),
        gsi1sk: s(`${at}#${id}`),
        name: s(`${entity} ${index}`),
        description: s(`A ${entity} the backup test made, number ${index}, with some text to carry.`),
        counter: n(index),
        flags: { M: { active: { BOOL: index % 2 === 0 }, note: { NULL: true } } },
      });
  }
  return item;
}

/**
 * Writes `counts[entity]` items of each entity type to `tableName`, `concurrency` BatchWriteItem calls at a
 * time, retrying what a call leaves unprocessed. Resolves with the items written.
 */
export async function writeGeneratedItems(
  client: DynamoDBClient,
  tableName: string,
  counts: Readonly<Partial<Record<GeneratedEntity, number>>>,
  concurrency = 16,
): Promise<number> {
  const work: [GeneratedEntity, number][] = [];
  for (const [entity, count] of Object.entries(counts) as [GeneratedEntity, number][])
    for (let start = 0; start < count; start += 25) work.push([entity, start]);
  let next = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const [entity, start] = work[next++] as [GeneratedEntity, number];
        const end = Math.min(start + 25, counts[entity] ?? 0);
        let requests = Array.from({ length: end - start }, (_, i) => ({
          PutRequest: { Item: generatedItem(entity, start + i) },
        }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
        written += end - start;
      }
    }),
  );
  return written;
}

/** The entity type and index an item was generated from, read back from its key. */
export function generatedOrigin(item: RawItem): { entity: GeneratedEntity; index: number } {
  const pk = item.pk?.S ?? '';
  const match = /-(\d{6})$/.exec(pk);
  const entity = (Object.keys(ENTITY_PREFIXES) as GeneratedEntity[]).find((candidate) =>
    pk.startsWith(`${ENTITY_PREFIXES[candidate]}#${candidate}-`),
  );
  if (!entity || !match) throw new Error(`Not a generated item: ${pk}`);
  return { entity, index: Number(match[1]) };
}

/** An item as comparable JSON: set members sorted (DynamoDB keeps no order in a set), binary as base64. */
export function comparable(item: RawItem): string {
  const normalise = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (Array.isArray(value)) return value.map(normalise);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
      return Object.fromEntries(
        entries.map(([key, member]) => [
          key,
          (key === 'SS' || key === 'NS') && Array.isArray(member) ? [...member].sort() : normalise(member),
        ]),
      );
    }
    return value;
  };
  return JSON.stringify(normalise(item));
}

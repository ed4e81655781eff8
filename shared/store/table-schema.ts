/**
 * The single table's key schema, shared by the CDK data stack and the local stack so both create the same
 * table. Entity keys themselves live in `keys.ts`.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Global secondary indexes: generic names, each entity decides what it projects into them. */
export const TABLE_INDEXES = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
] as const;

export type IndexName = (typeof TABLE_INDEXES)[number]['indexName'];

/** Attribute DynamoDB's TTL deletes expired items by (idempotency records, short-lived locks). */
export const TTL_ATTRIBUTE = 'expiresAt';

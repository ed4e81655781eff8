/**
 * Identity providers in the single table. The name and each routed email domain are claim items written
 * in the provider's own transaction, so two providers can never route the same domain.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { IdentityProvider } from '../domain/identity-provider.ts';
import type { IdentityProviderRepository, StoredIdentityProvider } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { type Claim, claimOwner, claimWrite, releaseWrite } from './claims.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { transactWrite } from './transact.ts';
import { deleteVersioned, putNew, putVersioned } from './versioned.ts';

export class DynamoIdentityProviderRepository implements IdentityProviderRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<StoredIdentityProvider | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.identityProvider(id) }),
    );
    return Item ? stored(Item) : undefined;
  }

  async list(): Promise<IdentityProvider[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.identityProvidersByName('').gsi1pk },
    });
    return items.map((item) => IdentityProvider.parse(withoutStorageAttributes(item)));
  }

  async byDomain(domain: string): Promise<IdentityProvider | undefined> {
    const id = await claimOwner(this.client, this.tableName, 'idpDomain', domain);
    const provider = id ? await this.get(id) : undefined;
    return provider ? IdentityProvider.parse(provider) : undefined;
  }

  idByName(name: string): Promise<string | undefined> {
    return claimOwner(this.client, this.tableName, 'idpName', name.toLowerCase());
  }

  async create(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      putNew(this.tableName, item(provider), { kind: 'identity provider', id: provider.id }),
      ...claims(provider).map((claim) => claimWrite(this.tableName, claim)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async update(
    before: StoredIdentityProvider,
    after: StoredIdentityProvider,
    audit: AuditRecord,
  ): Promise<void> {
    const added = after.domains.filter((domain) => !before.domains.includes(domain));
    const removed = before.domains.filter((domain) => !after.domains.includes(domain));
    await transactWrite(this.client, [
      putVersioned(this.tableName, item(after), {
        kind: 'identity provider',
        id: before.id,
        expected: before.version,
      }),
      ...added.map((domain) => claimWrite(this.tableName, domainClaim(after, domain))),
      ...removed.map((domain) => releaseWrite(this.tableName, domainClaim(before, domain))),
      auditWrite(this.tableName, audit),
    ]);
  }

  async delete(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      deleteVersioned(this.tableName, keys.identityProvider(provider.id), {
        kind: 'identity provider',
        id: provider.id,
        expected: provider.version,
      }),
      ...claims(provider).map((claim) => releaseWrite(this.tableName, claim)),
      auditWrite(this.tableName, audit),
    ]);
  }
}

/** The name (any case) and each routed email domain are the provider's alone. */
function claims(provider: StoredIdentityProvider): Claim[] {
  return [
    { kind: 'idpName', key: provider.name.toLowerCase(), value: provider.name, ownerId: provider.id },
    ...provider.domains.map((domain) => domainClaim(provider, domain)),
  ];
}

function domainClaim(provider: StoredIdentityProvider, domain: string): Claim {
  return { kind: 'idpDomain', key: domain, value: domain, ownerId: provider.id };
}

function item(provider: StoredIdentityProvider): Record<string, unknown> {
  return {
    ...keys.identityProvider(provider.id),
    ...keys.identityProvidersByName(provider.name.toLowerCase()),
    entity: 'identity-provider',
    ...provider,
  };
}

function stored(raw: Record<string, unknown>): StoredIdentityProvider {
  const provider = IdentityProvider.parse(withoutStorageAttributes(raw));
  return { ...provider, metadataXml: typeof raw.metadataXml === 'string' ? raw.metadataXml : null };
}

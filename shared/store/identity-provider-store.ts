/**
 * Identity providers in the single table. The name and each routed email domain are claim items written
 * in the provider's own transaction, so two providers can never route the same domain.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { ConflictError, StaleVersionError } from '../domain/errors.ts';
import { IdentityProvider } from '../domain/identity-provider.ts';
import type { IdentityProviderRepository, StoredIdentityProvider } from '../use-cases/ports.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { queryAll } from './query-pages.ts';
import { type GuardedWrite, transactWrite } from './transact.ts';

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
    const id = await this.owner('idpDomain', domain);
    const provider = id ? await this.get(id) : undefined;
    return provider ? IdentityProvider.parse(provider) : undefined;
  }

  idByName(name: string): Promise<string | undefined> {
    return this.owner('idpName', name.toLowerCase());
  }

  async create(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: item(provider),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      this.claim(
        'idpName',
        provider.name.toLowerCase(),
        provider,
        `An identity provider named ${provider.name} exists.`,
      ),
      ...provider.domains.map((domain) =>
        this.claim(
          'idpDomain',
          domain,
          provider,
          `The domain ${domain} is already routed to another identity provider.`,
        ),
      ),
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
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: item(after),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': before.version },
          },
        },
        onConditionFailed: () =>
          new StaleVersionError('identity provider', before.id, before.version, undefined),
      },
      ...added.map((domain) =>
        this.claim(
          'idpDomain',
          domain,
          after,
          `The domain ${domain} is already routed to another identity provider.`,
        ),
      ),
      ...removed.map((domain) => this.release('idpDomain', domain, before)),
      auditWrite(this.tableName, audit),
    ]);
  }

  async delete(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void> {
    await transactWrite(this.client, [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: keys.identityProvider(provider.id),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': provider.version },
          },
        },
        onConditionFailed: () =>
          new StaleVersionError('identity provider', provider.id, provider.version, undefined),
      },
      this.release('idpName', provider.name.toLowerCase(), provider),
      ...provider.domains.map((domain) => this.release('idpDomain', domain, provider)),
      auditWrite(this.tableName, audit),
    ]);
  }

  private async owner(kind: 'idpName' | 'idpDomain', value: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.unique(kind, value) }),
    );
    return typeof Item?.ownerId === 'string' ? Item.ownerId : undefined;
  }

  private claim(
    kind: 'idpName' | 'idpDomain',
    value: string,
    provider: StoredIdentityProvider,
    message: string,
  ): GuardedWrite {
    return {
      item: {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.unique(kind, value), entity: 'claim', ownerId: provider.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () =>
        new ConflictError(message, [
          { path: kind === 'idpName' ? 'body.name' : 'body.domains', message: `${value} is taken` },
        ]),
    };
  }

  private release(
    kind: 'idpName' | 'idpDomain',
    value: string,
    provider: StoredIdentityProvider,
  ): GuardedWrite {
    return {
      item: {
        Delete: {
          TableName: this.tableName,
          Key: keys.unique(kind, value),
          ConditionExpression: 'ownerId = :owner',
          ExpressionAttributeValues: { ':owner': provider.id },
        },
      },
    };
  }
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

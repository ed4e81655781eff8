/** Organisation settings in the single table: one item per settings document, versioned, audited. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit.ts';
import { DataLifecycleSettings } from '../domain/settings.ts';
import type { SettingsRepository } from '../use-cases/retention.ts';
import { auditWrite } from './audit-store.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { transactWrite } from './transact.ts';
import { putNew, putVersioned } from './versioned.ts';

const DATA_LIFECYCLE = 'data-lifecycle';

export class DynamoSettingsRepository implements SettingsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dataLifecycle(): Promise<DataLifecycleSettings | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.settings(DATA_LIFECYCLE), ConsistentRead: true }),
    );
    return Item ? DataLifecycleSettings.parse(withoutStorageAttributes(Item)) : undefined;
  }

  async saveDataLifecycle(
    before: DataLifecycleSettings,
    after: DataLifecycleSettings,
    audit: AuditRecord,
  ): Promise<void> {
    const item = { ...keys.settings(DATA_LIFECYCLE), entity: 'settings', ...after };
    const entity = { kind: 'settings', id: DATA_LIFECYCLE };
    await transactWrite(this.client, [
      // The defaults are version 1 and never stored: the first change creates the item.
      before.version === 1
        ? putNew(this.tableName, item, entity)
        : putVersioned(this.tableName, item, { ...entity, expected: before.version }),
      auditWrite(this.tableName, audit),
    ]);
  }
}

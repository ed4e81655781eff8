/** The ports of erasure, legal hold, the retention policy and its run, built once per cold start. */
import { cognitoClient, dynamoDb, dynamoDbClient, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { ErasureDeps } from '../use-cases/erasure.ts';
import type { JobRunPorts } from '../use-cases/job-runs.ts';
import type { RetentionDeps, SettingsDeps } from '../use-cases/retention.ts';
import { DynamoAdminSeats } from './admin-seats.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoRetentionSweep } from './erasure-retention-sweep.ts';
import { CognitoLoginEraser, DynamoPersonalDataStore } from './erasure-store.ts';
import { DynamoSettingsRepository } from './settings-store.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

export function settingsPorts(): SettingsDeps {
  return {
    settings: new DynamoSettingsRepository(dynamoDb(), requireSetting('tableName')),
    runtime: systemRuntime,
  };
}

/** People and their holds only (no login): the legal hold routes. */
export function legalHoldPorts(): Pick<ErasureDeps, 'users' | 'runtime'> {
  return { users: new DynamoUserRepository(dynamoDb(), requireSetting('tableName')), runtime: systemRuntime };
}

export function erasurePorts(): ErasureDeps {
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(dynamoDb(), tableName),
    adminSeats: new DynamoAdminSeats(dynamoDb(), tableName),
    logins: new CognitoLoginEraser(cognitoClient(), requireSetting('userPoolId')),
    personalData: new DynamoPersonalDataStore(dynamoDb(), tableName),
    runtime: systemRuntime,
  };
}

export function retentionPorts(): RetentionDeps & JobRunPorts {
  const tableName = requireSetting('tableName');
  return {
    ...erasurePorts(),
    jobs: new DynamoJobRepository(dynamoDb(), tableName),
    settings: new DynamoSettingsRepository(dynamoDb(), tableName),
    sweep: new DynamoRetentionSweep(
      { client: dynamoDbClient(), document: dynamoDb(), tableName },
      s3Client(),
      requireSetting('backupsBucket'),
    ),
  };
}

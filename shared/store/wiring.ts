/**
 * Builds the DynamoDB-backed ports once per cold start. Handlers call these at module load, so a missing
 * TABLE_NAME fails the function's init with the variable's name rather than its first request.
 */
import { randomUUID } from 'node:crypto';
import { cognitoClient, dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { AuditTrail, DepartmentRepository, Runtime, UserRepository } from '../use-cases/ports.ts';
import { DynamoAuditTrail } from './audit-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { DynamoIdentityProviderRepository } from './identity-provider-store.ts';
import { DynamoUserRepository } from './user-store.ts';

export const systemRuntime: Runtime = { now: () => new Date(), newId: () => randomUUID() };

export interface OrganisationPorts {
  users: UserRepository;
  departments: DepartmentRepository;
  audit: AuditTrail;
  runtime: Runtime;
}

export function organisationPorts(): OrganisationPorts {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    audit: new DynamoAuditTrail(client, tableName),
    runtime: systemRuntime,
  };
}

/**
 * {@link organisationPorts} plus the user pool, for the people routes that touch logins: linking a new
 * profile to the login with its email, signing a suspended person out.
 */
export function peopleWithLoginsPorts() {
  const tableName = requireSetting('tableName');
  return {
    ...organisationPorts(),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), tableName),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
  };
}

/** Builds the identity ports once per cold start: the table and the user pool. */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { DynamoAdminSeats } from './admin-seats.ts';
import { cohortPorts } from './cohort-wiring.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { DynamoIdentityProviderRepository } from './identity-provider-store.ts';
import { DynamoSignInHistory } from './sign-in-history.ts';
import { DynamoUserRepository } from './user-store.ts';
import { organisationPorts, systemRuntime } from './wiring.ts';

export function identityPorts() {
  return {
    // Cohort ports (audit trail included): the course part of the access report is the enrollment explanation, cohorts included.
    ...cohortPorts(),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
    signIns: new DynamoSignInHistory(dynamoDb(), requireSetting('tableName')),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), requireSetting('tableName')),
    seats: new DynamoAdminSeats(dynamoDb(), requireSetting('tableName')),
  };
}

/** The link-logins job's ports: the table, and the pool's logins and admin group. */
export function linkLoginsPorts() {
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(dynamoDb(), tableName),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), tableName),
    seats: new DynamoAdminSeats(dynamoDb(), tableName),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
    runtime: systemRuntime,
  };
}

/** The break-glass script's ports (scripts/break-glass.ts): the table and the pool, with the operator's credentials. */
export function breakGlassPorts() {
  return { ...linkLoginsPorts(), ...organisationPorts() };
}

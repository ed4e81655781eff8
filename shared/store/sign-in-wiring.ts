/** Builds the ports of the sign-in triggers once per cold start (table only: they run inside Cognito's 5 s). */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { ProvisionDeps, SignInDeps, SignUpDeps } from '../use-cases/sign-in.ts';
import { CognitoLoginLinker } from './cognito-login-linker.ts';
import { DynamoCohortRepository } from './cohort-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { DynamoIdentityProviderRepository } from './identity-provider-store.ts';
import { DynamoSignInHistory } from './sign-in-history.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

export function signInPorts(): SignInDeps {
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(dynamoDb(), tableName),
    signIns: new DynamoSignInHistory(dynamoDb(), tableName),
    runtime: systemRuntime,
  };
}

/** The pre sign-up trigger's ports: the pool comes with each event, so only the client is built here. */
export function signUpPorts(): SignUpDeps {
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(dynamoDb(), tableName),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), tableName),
    linker: new CognitoLoginLinker(cognitoClient()),
  };
}

/** The post-confirmation trigger's ports: the directory is built per event, for the event's pool. */
export function provisionPorts(userPoolId: string): ProvisionDeps {
  const tableName = requireSetting('tableName');
  return {
    users: new DynamoUserRepository(dynamoDb(), tableName),
    departments: new DynamoDepartmentRepository(dynamoDb(), tableName),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), tableName),
    cohorts: new DynamoCohortRepository(dynamoDb(), tableName),
    directory: new CognitoIdentityDirectory(cognitoClient(), userPoolId),
    runtime: systemRuntime,
  };
}

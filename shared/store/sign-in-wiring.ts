/** Builds the ports of the sign-in triggers once per cold start (they run inside Cognito's 5 s). */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { ENV, optionalSetting, requireSetting } from '../config.ts';
import { logger } from '../http/logger.ts';
import type {
  AdminMfaSetting,
  ProvisionDeps,
  SignInDeps,
  SignUpDeps,
  TokenDeps,
} from '../use-cases/sign-in.ts';
import { DynamoAdminSeats } from './admin-seats.ts';
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
    departments: new DynamoDepartmentRepository(dynamoDb(), tableName),
    providers: new DynamoIdentityProviderRepository(dynamoDb(), tableName),
    signIns: new DynamoSignInHistory(dynamoDb(), tableName),
    runtime: systemRuntime,
  };
}

/**
 * The pre-token-generation trigger's ports: {@link signInPorts}, the `ADMIN_MFA` setting, and the logins' MFA
 * methods read from the event's pool (the directory is cheap to build per event; the client is built once).
 */
export function tokenPorts(): TokenDeps {
  return {
    ...signInPorts(),
    adminMfa: adminMfaSetting(optionalSetting('adminMfa')),
    loginMfa: {
      enabledMethods: (userPoolId, username) =>
        new CognitoIdentityDirectory(cognitoClient(), userPoolId).mfaMethods(username),
    },
    logger,
  };
}

/**
 * `ADMIN_MFA`: `required` in AWS (CDK sets it on this trigger only); unset means `off`, as in the local stack,
 * because cognito-local has no TOTP and the seeded admin must keep working. Anything else fails at cold start.
 */
export function adminMfaSetting(raw: string | undefined): AdminMfaSetting {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'off') return 'off';
  if (value === 'required') return 'required';
  throw new Error(
    `Invalid ${ENV.adminMfa} "${raw}": use "required" (admins need TOTP) or "off" (or leave it unset).`,
  );
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
    seats: new DynamoAdminSeats(dynamoDb(), tableName),
    runtime: systemRuntime,
  };
}

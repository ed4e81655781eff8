/** Builds the ports of the sign-in triggers once per cold start (table only: they run inside Cognito's 5 s). */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { SignInDeps } from '../use-cases/sign-in.ts';
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

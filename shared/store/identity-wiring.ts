/** Builds the identity ports once per cold start: the table and the user pool. */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { cohortPorts } from './cohort-wiring.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { DynamoSignInHistory } from './sign-in-history.ts';

export function identityPorts() {
  return {
    // Cohort ports (audit trail included): the course part of the access report is the enrollment explanation, cohorts included.
    ...cohortPorts(),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
    signIns: new DynamoSignInHistory(dynamoDb(), requireSetting('tableName')),
  };
}

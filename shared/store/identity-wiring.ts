/** Builds the identity ports once per cold start: the table and the user pool. */
import { cognitoClient, dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { DynamoAuditTrail } from './audit-store.ts';
import { cohortPorts } from './cohort-wiring.ts';
import { CognitoIdentityDirectory } from './identity-directory.ts';
import { DynamoSignInHistory } from './sign-in-history.ts';

export function identityPorts() {
  return {
    // Cohort ports: the course part of the access report is the enrollment explanation, cohorts included.
    ...cohortPorts(),
    directory: new CognitoIdentityDirectory(cognitoClient(), requireSetting('userPoolId')),
    audit: new DynamoAuditTrail(dynamoDb(), requireSetting('tableName')),
    signIns: new DynamoSignInHistory(dynamoDb(), requireSetting('tableName')),
  };
}

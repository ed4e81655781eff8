/**
 * The one place AWS SDK clients are built. Endpoints come from the SDK's own variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER), so the same
 * handler talks to AWS in Lambda and to the local emulators on one machine without knowing which.
 * Clients are created once per module load (cold start) and reused across invocations.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let dynamo: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let cognito: CognitoIdentityProviderClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let secretsManager: SecretsManagerClient | undefined;

/** The plain DynamoDB client, for libraries that marshal items themselves (Powertools idempotency). */
export function dynamoDbClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
}

/** DynamoDB document client; `undefined` attributes are dropped rather than rejected. */
export function dynamoDb(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** S3 client; path-style addressing when pointed at an emulator (no virtual-host DNS there). */
export function s3Client(): S3Client {
  s3 ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return s3;
}

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({});
  return eventBridge;
}

/** Secrets Manager client (AWS only: there is no local emulator, and nothing local writes secrets). */
export function secretsManagerClient(): SecretsManagerClient {
  secretsManager ??= new SecretsManagerClient({});
  return secretsManager;
}

/** Drop cached clients (the local stack and tests call this after changing endpoints). */
export function resetClients(): void {
  dynamo = undefined;
  documentClient = undefined;
  s3 = undefined;
  cognito = undefined;
  eventBridge = undefined;
  secretsManager = undefined;
}

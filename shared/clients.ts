/**
 * The one place AWS SDK clients are built. Endpoints come from the SDK's own variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER), so the same
 * handler talks to AWS in Lambda and to the local emulators on one machine without knowing which.
 * Clients are created once per module load (cold start) and reused across invocations. In the tests, every
 * client records what IAM authorises for each call it sends (shared/aws-calls.ts).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { addCallRecording } from './aws-calls.ts';

let dynamoDbBase: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let s3Presigner: S3Client | undefined;
let cognito: CognitoIdentityProviderClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let secretsManager: SecretsManagerClient | undefined;
let sqs: SQSClient | undefined;
let athena: AthenaClient | undefined;
let ses: SESv2Client | undefined;
let cloudWatch: CloudWatchClient | undefined;

/** The DynamoDB client under {@link dynamoDb}, for libraries that send DynamoDB's own commands (idempotency). */
export function dynamoDbClient(): DynamoDBClient {
  dynamoDbBase ??= recorded(new DynamoDBClient({}));
  return dynamoDbBase;
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
  s3 ??= recorded(new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }));
  return s3;
}

/**
 * S3 client for presigned URLs: no checksums, since the body is the uploader's and not yet seen. S3
 * authorises a presigned request as its signer's action (PutObject for an upload or an upload part).
 */
export function s3PresignerClient(): S3Client {
  s3Presigner ??= recorded(
    new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
  );
  return s3Presigner;
}

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= recorded(new CognitoIdentityProviderClient({}));
  return cognito;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= recorded(new EventBridgeClient({}));
  return eventBridge;
}

/** Secrets Manager client (AWS only: there is no local emulator, and nothing local writes secrets). */
export function secretsManagerClient(): SecretsManagerClient {
  secretsManager ??= recorded(new SecretsManagerClient({}));
  return secretsManager;
}

/** SQS client (AWS_ENDPOINT_URL_SQS locally: the local stack's own SQS endpoint). */
export function sqsClient(): SQSClient {
  sqs ??= recorded(new SQSClient({}));
  return sqs;
}

/** Athena client (AWS only: reports run on DuckDB locally). */
export function athenaClient(): AthenaClient {
  athena ??= recorded(new AthenaClient({}));
  return athena;
}

/** SES v2 client (AWS only: locally mail goes to a folder, see shared/store/mail.ts). */
export function sesClient(): SESv2Client {
  ses ??= recorded(new SESv2Client({}));
  return ses;
}

/** CloudWatch client (AWS only: locally the gateway's request log stands in for the API's metrics). */
export function cloudWatchClient(): CloudWatchClient {
  cloudWatch ??= recorded(new CloudWatchClient({}));
  return cloudWatch;
}

/** The client, with the tests' call recording on its stack (a no-op outside the tests). */
function recorded<C, I extends object, O extends object>(
  client: C & { middlewareStack: MiddlewareStack<I, O> },
): C {
  addCallRecording(client.middlewareStack);
  return client;
}

/** Drop cached clients (the local stack and tests call this after changing endpoints). */
export function resetClients(): void {
  dynamoDbBase = undefined;
  documentClient = undefined;
  s3 = undefined;
  s3Presigner = undefined;
  cognito = undefined;
  eventBridge = undefined;
  secretsManager = undefined;
  sqs = undefined;
  athena = undefined;
  ses = undefined;
  cloudWatch = undefined;
}

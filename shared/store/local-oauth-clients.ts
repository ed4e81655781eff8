/**
 * Machine clients on the local stack, where cognito-local has no client-credentials grant: the clients of the
 * local OAuth 2.0 server (infra/local/oauth.ts, npm `oidc-provider`), kept in a local-only DynamoDB table
 * both sides read. Like Cognito, it generates the secrets and holds up to two per client. Secret values are
 * stored as is: this table exists only on a developer's machine, never in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type IssuedSecret, MAX_ACTIVE_SECRETS } from '../domain/api-client.ts';
import type { ApiScope } from '../domain/api-scopes.ts';
import { ConflictError } from '../domain/errors.ts';
import type { MachineClientRegistry } from '../use-cases/ports.ts';
import { conditionalUpdate, conditionalWrite } from './transact.ts';

export interface LocalOAuthClient {
  clientId: string;
  name: string;
  scopes: ApiScope[];
  secrets: { id: string; value: string; createdAt: string }[];
}

export class LocalMachineClients implements MachineClientRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly tokenUrl: string,
  ) {}

  async create(name: string, scopes: readonly ApiScope[]) {
    // Cognito's shapes: a 26-character lowercase id, a long random secret.
    const clientId = randomBytes(20).toString('hex').slice(0, 26);
    const secret = newSecret();
    const item: LocalOAuthClient = { clientId, name, scopes: [...scopes], secrets: [secret] };
    await conditionalWrite(
      () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(clientId)',
          }),
        ),
      () => new ConflictError(`A client with id ${clientId} already exists; try again.`),
    );
    return { clientId, secret };
  }

  async setScopes(clientId: string, _name: string, scopes: readonly ApiScope[]): Promise<void> {
    await this.update(
      clientId,
      { expression: 'SET scopes = :scopes', condition: 'attribute_exists(clientId)' },
      { ':scopes': [...scopes] },
      () => new ConflictError(`The client ${clientId} is gone.`),
    );
  }

  async addSecret(clientId: string): Promise<IssuedSecret> {
    const secret = newSecret();
    await this.update(
      clientId,
      {
        expression: 'SET secrets = list_append(secrets, :secret)',
        condition: 'attribute_exists(clientId) AND size(secrets) < :max',
      },
      { ':secret': [secret], ':max': MAX_ACTIVE_SECRETS },
      () => new ConflictError(`The client ${clientId} is gone or has ${MAX_ACTIVE_SECRETS} secrets already.`),
    );
    return secret;
  }

  async removeSecret(clientId: string, secretId: string): Promise<void> {
    const stored = await readLocalOAuthClient(this.client, this.tableName, clientId);
    const index = stored?.secrets.findIndex((secret) => secret.id === secretId) ?? -1;
    if (index < 0) return;
    // By position, so only while that position still holds the secret (another removal shifts the list).
    await this.update(
      clientId,
      { expression: `REMOVE secrets[${index}]`, condition: `secrets[${index}].id = :id` },
      { ':id': secretId },
      () => new ConflictError(`The secrets of client ${clientId} changed meanwhile; try again.`),
    );
  }

  /** A conditional update of one client's item; a failed condition is `refusal()`. */
  private async update(
    clientId: string,
    change: { expression: string; condition: string },
    values: Record<string, unknown>,
    refusal: () => Error,
  ): Promise<void> {
    await conditionalUpdate(
      this.client,
      {
        TableName: this.tableName,
        Key: { clientId },
        UpdateExpression: change.expression,
        ConditionExpression: change.condition,
        ExpressionAttributeValues: values,
      },
      refusal,
    );
  }

  async remove(clientId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { clientId } }));
  }
}

export async function readLocalOAuthClient(
  client: DynamoDBDocumentClient,
  tableName: string,
  clientId: string,
): Promise<LocalOAuthClient | undefined> {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: { clientId }, ConsistentRead: true }),
  );
  return Item as LocalOAuthClient | undefined;
}

function newSecret(): IssuedSecret {
  return {
    id: randomUUID(),
    value: randomBytes(38).toString('base64url'),
    createdAt: new Date().toISOString(),
  };
}

/**
 * Machine clients as Cognito app clients: the client-credentials grant, scopes of the `lms` resource server,
 * a generated secret, and up to two active secrets for rotation (AddUserPoolClientSecret). Cognito holds the
 * secrets; the LMS never stores them.
 */
import {
  AddUserPoolClientSecretCommand,
  type ClientSecretDescriptorType,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type IssuedSecret, MACHINE_TOKEN_MINUTES } from '../domain/api-client.ts';
import type { ApiScope } from '../domain/api-scopes.ts';
import type { MachineClientRegistry } from '../use-cases/ports.ts';

export class CognitoMachineClients implements MachineClientRegistry {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    readonly tokenUrl: string,
  ) {}

  async create(name: string, scopes: readonly ApiScope[]) {
    const { UserPoolClient } = await this.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: this.userPoolId,
        GenerateSecret: true,
        ...settings(name, scopes),
      }),
    );
    const clientId = UserPoolClient?.ClientId;
    const value = UserPoolClient?.ClientSecret;
    if (!clientId) throw new Error('Cognito created the app client without an id.');
    try {
      if (!value) throw new Error(`Cognito created the app client ${clientId} without a secret.`);
      // The create response has the value but not the secret's id, which retiring it later needs.
      const { ClientSecrets } = await this.cognito.send(
        new ListUserPoolClientSecretsCommand({ UserPoolId: this.userPoolId, ClientId: clientId }),
      );
      const [descriptor] = ClientSecrets ?? [];
      if (!descriptor?.ClientSecretId)
        throw new Error(`Cognito lists no secret for the new client ${clientId}.`);
      return { clientId, secret: issued({ ...descriptor, ClientSecretValue: value }) };
    } catch (error) {
      // No app client the LMS has no record of: it could get tokens, and nobody could list or revoke it.
      await this.remove(clientId);
      throw error;
    }
  }

  async setScopes(clientId: string, name: string, scopes: readonly ApiScope[]): Promise<void> {
    // UpdateUserPoolClient resets what it is not given: every setting goes again, as at creation.
    await this.cognito.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: this.userPoolId,
        ClientId: clientId,
        ...settings(name, scopes),
      }),
    );
  }

  async addSecret(clientId: string): Promise<IssuedSecret> {
    const { ClientSecretDescriptor } = await this.cognito.send(
      new AddUserPoolClientSecretCommand({ UserPoolId: this.userPoolId, ClientId: clientId }),
    );
    if (!ClientSecretDescriptor) throw new Error(`Cognito added no secret to ${clientId}.`);
    return issued(ClientSecretDescriptor);
  }

  async removeSecret(clientId: string, secretId: string): Promise<void> {
    await gone(
      this.cognito.send(
        new DeleteUserPoolClientSecretCommand({
          UserPoolId: this.userPoolId,
          ClientId: clientId,
          ClientSecretId: secretId,
        }),
      ),
    );
  }

  async remove(clientId: string): Promise<void> {
    await gone(
      this.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: this.userPoolId, ClientId: clientId })),
    );
  }
}

/** Every setting of a machine client's app client (the same at creation and on each update). */
function settings(name: string, scopes: readonly ApiScope[]) {
  return {
    ClientName: name,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['client_credentials' as const],
    AllowedOAuthScopes: [...scopes],
    // No user sign-in flows (Cognito's default would allow SRP and custom auth): refresh is the minimum it takes.
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const],
    AccessTokenValidity: MACHINE_TOKEN_MINUTES,
    TokenValidityUnits: { AccessToken: 'minutes' as const },
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: 'ENABLED' as const,
  };
}

function issued(descriptor: ClientSecretDescriptorType): IssuedSecret {
  const { ClientSecretId: id, ClientSecretValue: value, ClientSecretCreateDate: createdAt } = descriptor;
  if (!id || !value) throw new Error('Cognito returned a client secret without its id or value.');
  return { id, value, createdAt: (createdAt ?? new Date()).toISOString() };
}

/** Removal is idempotent: what is already gone is what was asked for. */
async function gone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
}

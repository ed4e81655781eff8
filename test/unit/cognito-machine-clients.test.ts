/**
 * Machine clients as Cognito app clients, against the exact SDK shapes AWS answers with (cognito-local has
 * no client-credentials grant and no client-secret API; locally the OAuth server plays this part).
 */
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  ResourceNotFoundException,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import * as routes from '../../shared/routes/api-clients.ts';
import { CognitoMachineClients } from '../../shared/store/cognito-machine-clients.ts';
import { attributed } from '../support/aws-calls.ts';

const POOL = 'eu-west-1_pool';
const TOKEN_URL = 'https://lms.auth.eu-west-1.amazoncognito.com/oauth2/token';
const cognito = mockClient(CognitoIdentityProviderClient);
/** Each method's calls are recorded as the calls of the function whose use case makes them. */
const registry = () =>
  attributed(
    new CognitoMachineClients(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), POOL, TOKEN_URL),
    {
      create: () => routes.createApiClient.handler,
      setScopes: () => routes.updateApiClient.handler,
      addSecret: () => routes.issueApiClientSecret.handler,
      removeSecret: () => routes.retireApiClientSecret.handler,
      remove: () => routes.revokeApiClient.handler,
    },
    cognito,
  );
const notFound = () => new ResourceNotFoundException({ message: 'gone', $metadata: {} });

describe('Cognito machine clients', () => {
  beforeEach(() => cognito.reset());

  it('creates a confidential client-credentials app client with the scopes, and names its first secret', async () => {
    // Prepare
    cognito.on(CreateUserPoolClientCommand).resolves({
      UserPoolClient: {
        UserPoolId: POOL,
        ClientName: 'Workday sync',
        ClientId: '4example0client0id0000000a',
        ClientSecret: 'first-secret-value',
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: ['lms/users.read'],
      },
    });
    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [
        { ClientSecretId: 'secret-1', ClientSecretCreateDate: new Date('2026-11-28T10:00:00Z') },
      ],
    });

    // Act
    const created = await registry().create('Workday sync', ['lms/users.read', 'lms/reports.read']);

    // Assess
    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientName: 'Workday sync',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['lms/users.read', 'lms/reports.read'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 15,
      TokenValidityUnits: { AccessToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(created).toEqual({
      clientId: '4example0client0id0000000a',
      secret: { id: 'secret-1', value: 'first-secret-value', createdAt: '2026-11-28T10:00:00.000Z' },
    });
  });

  it('changes scopes with every setting sent again (UpdateUserPoolClient resets what it is not given)', async () => {
    // Prepare
    cognito.on(UpdateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'client1' } });

    // Act
    await registry().setScopes('client1', 'Workday sync', ['lms/reports.read']);

    // Assess
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'client1',
      ClientName: 'Workday sync',
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['lms/reports.read'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 15,
      TokenValidityUnits: { AccessToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('adds a second secret for rotation and returns its value once', async () => {
    // Prepare
    cognito.on(AddUserPoolClientSecretCommand).resolves({
      ClientSecretDescriptor: {
        ClientSecretId: 'secret-2',
        ClientSecretValue: 'second-secret-value',
        ClientSecretCreateDate: new Date('2026-11-28T11:00:00Z'),
      },
    });

    // Act
    const secret = await registry().addSecret('client1');

    // Assess
    expect(cognito.commandCalls(AddUserPoolClientSecretCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'client1',
    });
    expect(secret).toEqual({
      id: 'secret-2',
      value: 'second-secret-value',
      createdAt: '2026-11-28T11:00:00.000Z',
    });
  });

  it('retires a secret and revokes a client, and takes "already gone" as done', async () => {
    // Prepare
    cognito.on(DeleteUserPoolClientSecretCommand).rejectsOnce(notFound()).resolves({});
    cognito.on(DeleteUserPoolClientCommand).rejectsOnce(notFound()).resolves({});

    // Act
    await registry().removeSecret('client1', 'secret-1');
    await registry().remove('client1');

    // Assess
    expect(cognito.commandCalls(DeleteUserPoolClientSecretCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'client1',
      ClientSecretId: 'secret-1',
    });
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'client1',
    });
  });

  it('removes the app client again when its secret cannot be read back (no client without an LMS record)', async () => {
    // Prepare
    cognito.on(CreateUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'halfmade', ClientSecret: 'value' },
    });
    cognito.on(ListUserPoolClientSecretsCommand).rejects(new Error('throttled'));
    cognito.on(DeleteUserPoolClientCommand).resolves({});

    // Act
    const result = registry().create('Half made', ['lms/users.read']);

    // Assess
    await expect(result).rejects.toThrow('throttled');
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'halfmade',
    });
  });

  it('lets any other failure through (nothing is taken as done that is not)', async () => {
    // Prepare
    cognito.on(DeleteUserPoolClientCommand).rejects(new Error('throttled'));

    // Act
    const result = registry().remove('client1');

    // Assess
    await expect(result).rejects.toThrow('throttled');
  });
});

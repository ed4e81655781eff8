/**
 * The federation calls cognito-local does not have, against the exact SDK request shapes (aws-sdk-client-mock):
 * what reaches Cognito when a provider is created, changed and removed.
 */
import {
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  DeleteIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityProvider } from '../../shared/domain/identity-provider.ts';
import { CognitoFederation } from '../../shared/store/cognito-federation.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const federation = () =>
  new CognitoFederation(
    new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    'eu-west-1_pool',
    'web-client',
  );

const saml: IdentityProvider = {
  id: '0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d',
  name: 'Okta',
  type: 'SAML',
  domains: ['corp.example', 'corp-eu.example'],
  attributeMapping: {
    email: 'email',
    givenName: 'firstName',
    familyName: 'lastName',
    department: 'dept',
    groups: 'groups',
  },
  groupRules: [],
  saml: {
    entityId: 'http://www.okta.com/exk1abc',
    singleSignOnUrls: [],
    signingCertificates: [],
    metadataUrl: null,
  },
  oidc: null,
  sync: { status: 'synced', at: '2026-11-28T00:00:00.000Z', message: '' },
  warnings: [],
  createdAt: '2026-11-28T00:00:00.000Z',
  updatedAt: '2026-11-28T00:00:00.000Z',
  version: 1,
};
const oidc: IdentityProvider = {
  ...saml,
  name: 'Entra',
  type: 'OIDC',
  saml: null,
  oidc: {
    issuer: 'https://login.microsoftonline.com/tenant/v2.0',
    clientId: 'lms-app',
    scopes: ['openid', 'email', 'profile'],
    attributesRequestMethod: 'GET',
  },
  attributeMapping: { email: 'email' },
};

const webClient = {
  UserPoolId: 'eu-west-1_pool',
  ClientId: 'web-client',
  ClientName: 'WebClient',
  SupportedIdentityProviders: ['COGNITO'],
  CallbackURLs: ['https://lms.corp.example/auth/callback'],
  LogoutURLs: ['https://lms.corp.example/'],
  AllowedOAuthFlows: ['code' as const],
  AllowedOAuthScopes: ['openid', 'email', 'profile'],
  AllowedOAuthFlowsUserPoolClient: true,
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const],
  PreventUserExistenceErrors: 'ENABLED' as const,
  EnableTokenRevocation: true,
  IdTokenValidity: 60,
  AccessTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: {
    IdToken: 'minutes' as const,
    AccessToken: 'minutes' as const,
    RefreshToken: 'days' as const,
  },
};

describe('federation on Cognito', () => {
  beforeEach(() => {
    cognito.reset();
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: webClient });
  });
  afterAll(() => cognito.restore());

  it('creates a SAML provider from its metadata, maps attributes, routes domains, and lists it on the web client', async () => {
    const result = await federation().save(saml, { metadataXml: '<md:EntityDescriptor/>' }, true);
    expect(result.status).toBe('synced');
    expect(cognito.commandCalls(CreateIdentityProviderCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      ProviderName: 'Okta',
      ProviderType: 'SAML',
      ProviderDetails: { MetadataFile: '<md:EntityDescriptor/>' },
      AttributeMapping: {
        email: 'email',
        given_name: 'firstName',
        family_name: 'lastName',
        'custom:department': 'dept',
        'custom:idp_groups': 'groups',
      },
      IdpIdentifiers: ['corp.example', 'corp-eu.example'],
    });
    // The client update carries every current setting (UpdateUserPoolClient resets what it is not given)
    const update = cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      ClientId: 'web-client',
      SupportedIdentityProviders: ['COGNITO', 'Okta'],
      CallbackURLs: webClient.CallbackURLs,
      LogoutURLs: webClient.LogoutURLs,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: webClient.AllowedOAuthScopes,
      ExplicitAuthFlows: webClient.ExplicitAuthFlows,
      TokenValidityUnits: webClient.TokenValidityUnits,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('gives Cognito the metadata URL, when the provider was set up from one, so Cognito keeps it current', async () => {
    await federation().save(
      saml,
      { metadataUrl: 'https://corp.okta.com/app/exk1abc/sso/saml/metadata' },
      true,
    );
    expect(cognito.commandCalls(CreateIdentityProviderCommand)[0]?.args[0].input.ProviderDetails).toEqual({
      MetadataURL: 'https://corp.okta.com/app/exk1abc/sso/saml/metadata',
    });
  });

  it('creates an OIDC provider with its issuer, scopes and secret', async () => {
    await federation().save(oidc, { clientSecret: 's3cr3t' }, true);
    expect(cognito.commandCalls(CreateIdentityProviderCommand)[0]?.args[0].input.ProviderDetails).toEqual({
      client_id: 'lms-app',
      client_secret: 's3cr3t',
      authorize_scopes: 'openid email profile',
      attributes_request_method: 'GET',
      oidc_issuer: 'https://login.microsoftonline.com/tenant/v2.0',
    });
  });

  it('updates mapping and domains without touching provider details unless metadata or a secret is new', async () => {
    await federation().save(oidc, {}, false);
    const input = cognito.commandCalls(UpdateIdentityProviderCommand)[0]?.args[0].input;
    expect(input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      ProviderName: 'Entra',
      AttributeMapping: { email: 'email' },
      IdpIdentifiers: ['corp.example', 'corp-eu.example'],
    });
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });

  it('removes a provider from the web client, then from the pool', async () => {
    cognito
      .on(DescribeUserPoolClientCommand)
      .resolves({ UserPoolClient: { ...webClient, SupportedIdentityProviders: ['COGNITO', 'Okta'] } });
    await federation().remove(saml);
    expect(
      cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input.SupportedIdentityProviders,
    ).toEqual(['COGNITO']);
    expect(cognito.commandCalls(DeleteIdentityProviderCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      ProviderName: 'Okta',
    });
  });
});

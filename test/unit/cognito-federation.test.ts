/**
 * The federation calls cognito-local does not have, against the exact SDK request shapes (aws-sdk-client-mock):
 * what reaches Cognito when a provider is created, changed and removed, and what reaches Secrets Manager,
 * where OIDC client secrets are kept; and the repair of the web client's provider list after a deploy reset it.
 */
import {
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  DuplicateProviderException,
  ResourceNotFoundException as ProviderNotFound,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  RestoreSecretCommand,
  ResourceNotFoundException as SecretNotFound,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../shared/domain/errors.ts';
import type { IdentityProvider } from '../../shared/domain/identity-provider.ts';
import * as jobs from '../../shared/jobs/manifest.ts';
import * as routes from '../../shared/routes/identity-providers.ts';
import { AWS_ONLY, CognitoFederation, WEB_CLIENT_AWS_ONLY } from '../../shared/store/cognito-federation.ts';
import { resyncWebClientProviders } from '../../shared/use-cases/identity-providers.ts';
import type { IdentityProviderRepository } from '../../shared/use-cases/ports.ts';
import { attributed } from '../support/aws-calls.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);
/** Each method's calls are recorded as the calls of the function whose use case makes them. */
const federation = () =>
  attributed(
    new CognitoFederation(
      new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
      'eu-west-1_pool',
      'web-client',
      new SecretsManagerClient({ region: 'eu-west-1' }),
    ),
    {
      save: (_provider, _secrets, created) =>
        created ? routes.createIdentityProvider.handler : routes.updateIdentityProvider.handler,
      remove: () => routes.deleteIdentityProvider.handler,
      listOnWebClient: () => jobs.resyncWebClientProviders.handler,
    },
    cognito,
    secretsManager,
  );

const SECRET = 's3cr3t-value-9f2c';
const SECRET_NAME = 'lms/identity-providers/Entra';
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${SECRET_NAME}-AbCdEf`;
const metadata = { $metadata: {} };
/** What cognito-local answers to any federation call (its `CognitoLocal#Unsupported`). */
const unsupported = () =>
  Object.assign(new Error('Unsupported x-amz-target header'), { name: 'Unsupported' });

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
  trustedForAdmins: false,
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
    secretsManager.reset();
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: webClient });
    cognito
      .on(DescribeIdentityProviderCommand)
      .rejects(new ProviderNotFound({ message: 'Identity provider Entra does not exist.', ...metadata }));
  });
  afterAll(() => {
    cognito.restore();
    secretsManager.restore();
  });

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

  it('keeps no secret for a SAML provider', async () => {
    await federation().save(saml, { metadataXml: '<md:EntityDescriptor/>' }, true);
    await federation().remove(saml);
    expect(secretsManager.calls()).toHaveLength(0);
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

describe('OIDC client secrets in Secrets Manager', () => {
  /** Calls to Cognito and Secrets Manager, in the order they were made. */
  let order: string[];

  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    order = [];
    const track = (name: string) => () => {
      order.push(name);
      return {};
    };
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: webClient });
    cognito.on(DescribeIdentityProviderCommand).callsFake(() => {
      order.push('DescribeIdentityProvider');
      throw new ProviderNotFound({ message: 'Identity provider Entra does not exist.', ...metadata });
    });
    cognito.on(CreateIdentityProviderCommand).callsFake(track('CreateIdentityProvider'));
    cognito.on(UpdateIdentityProviderCommand).callsFake(track('UpdateIdentityProvider'));
    cognito.on(DeleteIdentityProviderCommand).callsFake(track('DeleteIdentityProvider'));
    secretsManager.on(CreateSecretCommand).callsFake(() => {
      order.push('CreateSecret');
      return { ARN: SECRET_ARN, Name: SECRET_NAME };
    });
    secretsManager.on(PutSecretValueCommand).callsFake(() => {
      order.push('PutSecretValue');
      return { ARN: SECRET_ARN, Name: SECRET_NAME, VersionId: 'v2' };
    });
    secretsManager.on(DeleteSecretCommand).callsFake(() => {
      order.push('DeleteSecret');
      return { ARN: SECRET_ARN, Name: SECRET_NAME, DeletionDate: new Date('2026-12-05T00:00:00Z') };
    });
  });
  afterAll(() => {
    cognito.restore();
    secretsManager.restore();
  });

  it('stores the secret, tagged, under the provider name, then creates the provider with it', async () => {
    // Act
    const result = await federation().save(oidc, { clientSecret: SECRET }, true);

    // Assess
    expect(order).toEqual(['DescribeIdentityProvider', 'CreateSecret', 'CreateIdentityProvider']);
    expect(secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input).toEqual({
      Name: SECRET_NAME,
      Description: "Client secret of the LMS's OIDC identity provider Entra",
      SecretString: SECRET,
      Tags: [{ Key: 'lms:purpose', Value: 'identity-provider-client-secret' }],
    });
    expect(
      cognito.commandCalls(CreateIdentityProviderCommand)[0]?.args[0].input.ProviderDetails?.client_secret,
    ).toBe(SECRET);
    expect(result).toEqual({
      status: 'synced',
      message: `Synced to the Cognito user pool. The client secret is kept in AWS Secrets Manager as ${SECRET_NAME}.`,
    });
  });

  it('puts the new value when a secret of that name exists already', async () => {
    // Prepare
    secretsManager.on(CreateSecretCommand).rejects(
      new ResourceExistsException({
        message: 'The operation failed because the secret already exists.',
        ...metadata,
      }),
    );

    // Act
    await federation().save(oidc, { clientSecret: SECRET }, true);

    // Assess
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
      SecretString: SECRET,
    });
    expect(cognito.commandCalls(CreateIdentityProviderCommand)).toHaveLength(1);
  });

  it('restores a secret still in its recovery window (the provider is added again), then puts the value', async () => {
    // Prepare
    secretsManager.on(CreateSecretCommand).rejects(
      new InvalidRequestException({
        message:
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        ...metadata,
      }),
    );
    secretsManager
      .on(DescribeSecretCommand)
      .resolves({ ARN: SECRET_ARN, Name: SECRET_NAME, DeletedDate: new Date('2026-11-27T00:00:00Z') });
    secretsManager.on(RestoreSecretCommand).resolves({ ARN: SECRET_ARN, Name: SECRET_NAME });

    // Act
    await federation().save(oidc, { clientSecret: SECRET }, true);

    // Assess
    expect(secretsManager.commandCalls(DescribeSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
    });
    expect(secretsManager.commandCalls(RestoreSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
    });
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
      SecretString: SECRET,
    });
  });

  it('refuses any other Secrets Manager refusal, before Cognito is called', async () => {
    // Prepare
    secretsManager
      .on(CreateSecretCommand)
      .rejects(new InvalidRequestException({ message: 'The parameter Name is not valid.', ...metadata }));
    secretsManager.on(DescribeSecretCommand).resolves({ ARN: SECRET_ARN, Name: SECRET_NAME });

    // Act + Assess
    await expect(federation().save(oidc, { clientSecret: SECRET }, true)).rejects.toThrow(
      'The parameter Name is not valid.',
    );
    expect(secretsManager.commandCalls(RestoreSecretCommand)).toHaveLength(0);
    expect(cognito.commandCalls(CreateIdentityProviderCommand)).toHaveLength(0);
  });

  it('deletes the just-written secret again when Cognito refuses the new provider, and rethrows', async () => {
    // Prepare
    const refusal = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    cognito.on(CreateIdentityProviderCommand).rejects(refusal);

    // Act + Assess
    await expect(federation().save(oidc, { clientSecret: SECRET }, true)).rejects.toBe(refusal);
    expect(order).toEqual(['DescribeIdentityProvider', 'CreateSecret', 'DeleteSecret']);
    expect(secretsManager.commandCalls(DeleteSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
      RecoveryWindowInDays: 7,
    });
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });

  it('refuses a name the pool already has, writing no secret over that provider', async () => {
    // Prepare
    cognito.on(DescribeIdentityProviderCommand).resolves({
      IdentityProvider: { UserPoolId: 'eu-west-1_pool', ProviderName: 'Entra', ProviderType: 'OIDC' },
    });

    // Act + Assess
    await expect(federation().save(oidc, { clientSecret: SECRET }, true)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(secretsManager.calls()).toHaveLength(0);
    expect(cognito.commandCalls(CreateIdentityProviderCommand)).toHaveLength(0);
  });

  it('answers a name Cognito calls taken as a conflict, after taking its secret back', async () => {
    // Prepare
    cognito.on(CreateIdentityProviderCommand).rejects(
      new DuplicateProviderException({
        message: 'A provider with the name Entra already exists.',
        ...metadata,
      }),
    );

    // Act + Assess
    await expect(federation().save(oidc, { clientSecret: SECRET }, true)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(secretsManager.commandCalls(DeleteSecretCommand)).toHaveLength(1);
  });

  it('keeps a rotated secret first, then resends the whole provider details with it', async () => {
    // Prepare: the provider is in the pool, and its secret in Secrets Manager
    cognito.on(DescribeIdentityProviderCommand).callsFake(() => {
      order.push('DescribeIdentityProvider');
      return { IdentityProvider: { ProviderName: 'Entra', ProviderType: 'OIDC' } };
    });
    secretsManager.on(CreateSecretCommand).callsFake(() => {
      order.push('CreateSecret');
      throw new ResourceExistsException({ message: 'The secret already exists.', ...metadata });
    });

    // Act
    const result = await federation().save(oidc, { clientSecret: 'rotated-7d1e' }, false);

    // Assess
    expect(order).toEqual([
      'DescribeIdentityProvider',
      'CreateSecret',
      'PutSecretValue',
      'UpdateIdentityProvider',
    ]);
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
      SecretString: 'rotated-7d1e',
    });
    expect(cognito.commandCalls(UpdateIdentityProviderCommand)[0]?.args[0].input.ProviderDetails).toEqual({
      client_id: 'lms-app',
      client_secret: 'rotated-7d1e',
      authorize_scopes: 'openid email profile',
      attributes_request_method: 'GET',
      oidc_issuer: 'https://login.microsoftonline.com/tenant/v2.0',
    });
    expect(JSON.stringify(result)).not.toContain('rotated-7d1e');
  });

  it('updates without a new secret by leaving the details, secret included, as Cognito has them: nothing is read back', async () => {
    // Act
    await federation().save(oidc, {}, false);

    // Assess: UpdateIdentityProvider without ProviderDetails keeps Cognito's, so there is nothing to resend
    expect(order).toEqual(['UpdateIdentityProvider']);
    expect(cognito.commandCalls(UpdateIdentityProviderCommand)[0]?.args[0].input).not.toHaveProperty(
      'ProviderDetails',
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('schedules the secret for deletion with a 7-day recovery window after the provider leaves the pool', async () => {
    // Act
    await federation().remove(oidc);

    // Assess
    expect(order).toEqual(['DeleteIdentityProvider', 'DeleteSecret']);
    expect(secretsManager.commandCalls(DeleteSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_NAME,
      RecoveryWindowInDays: 7,
    });
  });

  it('removes a provider that has no kept secret (added before secrets were kept)', async () => {
    // Prepare
    secretsManager
      .on(DeleteSecretCommand)
      .rejects(
        new SecretNotFound({ message: "Secrets Manager can't find the specified secret.", ...metadata }),
      );

    // Act + Assess
    await expect(federation().remove(oidc)).resolves.toMatchObject({ status: 'synced' });
  });

  it('never puts the secret value in what it returns', async () => {
    // Act
    const results = [
      await federation().save(oidc, { clientSecret: SECRET }, true),
      await federation().save(oidc, { clientSecret: SECRET }, false),
      await federation().remove(oidc),
    ];

    // Assess
    for (const result of results) expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('writes nothing to Secrets Manager where Cognito has no federation (cognito-local), and says so', async () => {
    // Prepare
    cognito.on(DescribeIdentityProviderCommand).rejects(unsupported());
    cognito.on(UpdateIdentityProviderCommand).rejects(unsupported());
    cognito.on(DeleteIdentityProviderCommand).rejects(unsupported());

    // Act
    const results = [
      await federation().save(oidc, { clientSecret: SECRET }, true),
      await federation().save(oidc, { clientSecret: SECRET }, false),
      await federation().remove(oidc),
    ];

    // Assess
    for (const result of results) expect(result).toEqual({ status: 'aws-only', message: AWS_ONLY });
    expect(secretsManager.calls()).toHaveLength(0);
    expect(cognito.commandCalls(CreateIdentityProviderCommand)).toHaveLength(0);
  });
});

describe("the web client's provider list, repaired after a deploy reset it", () => {
  /** The web client as DescribeUserPoolClient returns it, with settings UpdateUserPoolClient must get back. */
  const described = {
    ...webClient,
    ReadAttributes: ['email', 'given_name', 'family_name', 'custom:department'],
    WriteAttributes: ['given_name', 'family_name'],
    DefaultRedirectURI: 'https://lms.corp.example/auth/callback',
    AuthSessionValidity: 3,
    EnablePropagateAdditionalUserContextData: false,
    RefreshTokenRotation: { Feature: 'DISABLED' as const },
    AnalyticsConfiguration: { ApplicationId: 'pinpoint-app', ExternalId: 'lms', UserDataShared: false },
    // Read-only: Describe returns them, Update takes none of them.
    CreationDate: new Date('2026-11-01T00:00:00Z'),
    LastModifiedDate: new Date('2026-11-28T00:00:00Z'),
  };
  const { CreationDate: _created, LastModifiedDate: _modified, ...settings } = described;
  const entra = { ...oidc, id: '5b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' };
  const localOnly: IdentityProvider = {
    ...saml,
    id: '9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b',
    name: 'Ping',
    sync: { status: 'aws-only', at: '2026-11-28T00:00:00.000Z', message: AWS_ONLY },
  };
  /** The LMS's providers (only `list` is read). */
  const stored = (providers: IdentityProvider[]): IdentityProviderRepository => {
    const unused = () => Promise.reject(new Error('not used by the resync'));
    return {
      list: async () => providers,
      get: unused,
      byDomain: unused,
      idByName: unused,
      create: unused,
      update: unused,
      delete: unused,
    };
  };
  const resync = (providers: IdentityProvider[]) =>
    resyncWebClientProviders({ providers: stored(providers), federation: federation() });
  const inPool = (...names: string[]) =>
    cognito.on(DescribeIdentityProviderCommand).callsFake((input: { ProviderName: string }) => {
      if (!names.includes(input.ProviderName))
        throw new ProviderNotFound({
          message: `Identity provider ${input.ProviderName} does not exist.`,
          ...metadata,
        });
      return {
        IdentityProvider: {
          UserPoolId: 'eu-west-1_pool',
          ProviderName: input.ProviderName,
          ProviderType: input.ProviderName === 'Entra' ? 'OIDC' : 'SAML',
        },
      };
    });

  beforeEach(() => {
    cognito.reset();
    secretsManager.reset();
    // What a deploy of LmsAuth leaves: the list CloudFormation manages, Cognito alone.
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: described });
    cognito.on(UpdateUserPoolClientCommand).resolves({});
    inPool('Okta', 'Entra', 'Ping');
  });
  afterAll(() => {
    cognito.restore();
    secretsManager.restore();
  });

  it('lists every synced provider again after a deploy reset the list, sending every other setting back', async () => {
    // Act
    const result = await resync([saml, entra]);

    // Assess
    expect(result).toMatchObject({ status: 'updated', added: ['Okta', 'Entra'], removed: [], missing: [] });
    expect(result.message).toContain('COGNITO, Okta, Entra');
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'web-client',
    });
    const updates = cognito.commandCalls(UpdateUserPoolClientCommand);
    expect(updates).toHaveLength(1);
    // Exactly the settings read, list aside: UpdateUserPoolClient resets whatever it is not given.
    expect(updates[0]?.args[0].input).toEqual({
      ...settings,
      SupportedIdentityProviders: ['COGNITO', 'Okta', 'Entra'],
    });
    expect(updates[0]?.args[0].input).not.toHaveProperty('CreationDate');
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('writes nothing when the list is already right, whatever its order', async () => {
    // Prepare
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ...described, SupportedIdentityProviders: ['Entra', 'COGNITO', 'Okta'] },
    });

    // Act
    const first = await resync([saml, entra]);
    const again = await resync([saml, entra]);

    // Assess
    for (const result of [first, again])
      expect(result).toMatchObject({ status: 'unchanged', added: [], removed: [], missing: [] });
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });

  it('lists no provider that is not synced to the pool (aws-only)', async () => {
    // Act
    const result = await resync([saml, localOnly]);

    // Assess
    expect(result).toMatchObject({ status: 'updated', added: ['Okta'], removed: [] });
    expect(
      cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input.SupportedIdentityProviders,
    ).toEqual(['COGNITO', 'Okta']);
    expect(
      cognito.commandCalls(DescribeIdentityProviderCommand).map((call) => call.args[0].input.ProviderName),
    ).toEqual(['Okta']);
  });

  it('takes off the list what no synced provider of the LMS names', async () => {
    // Prepare
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ...described, SupportedIdentityProviders: ['COGNITO', 'Okta', 'Retired'] },
    });

    // Act
    const result = await resync([saml]);

    // Assess
    expect(result).toMatchObject({ status: 'updated', added: [], removed: ['Retired'] });
    expect(
      cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input.SupportedIdentityProviders,
    ).toEqual(['COGNITO', 'Okta']);
  });

  it('leaves out, and names, a synced provider the pool no longer has (Cognito would refuse the whole list)', async () => {
    // Prepare
    inPool('Okta');

    // Act
    const result = await resync([saml, entra]);

    // Assess
    expect(result).toMatchObject({ status: 'updated', added: ['Okta'], missing: ['Entra'] });
    expect(result.message).toContain('Not in the user pool, so not listed: Entra');
    expect(
      cognito.commandCalls(UpdateUserPoolClientCommand)[0]?.args[0].input.SupportedIdentityProviders,
    ).toEqual(['COGNITO', 'Okta']);
  });

  it('touches neither Cognito nor the web client when no provider is synced (always so locally)', async () => {
    // Act
    const local = await resync([localOnly]);
    const none = await resync([]);

    // Assess
    expect(local).toMatchObject({ status: 'aws-only', added: [], removed: [], missing: [] });
    expect(none).toMatchObject({ status: 'unchanged', added: [], removed: [], missing: [] });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('says aws-only, before reading the web client, where the pool has no federation (cognito-local)', async () => {
    // Prepare
    cognito.on(DescribeIdentityProviderCommand).rejects(unsupported());

    // Act
    const result = await federation().listOnWebClient(['Okta']);

    // Assess
    expect(result).toEqual({
      status: 'aws-only',
      added: [],
      removed: [],
      missing: [],
      message: WEB_CLIENT_AWS_ONLY,
    });
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)).toHaveLength(0);
    expect(cognito.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });

  it('has nothing to repair without a web client', async () => {
    // Act
    const result = await new CognitoFederation(
      new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
      'eu-west-1_pool',
      undefined,
      new SecretsManagerClient({ region: 'eu-west-1' }),
    ).listOnWebClient(['Okta']);

    // Assess
    expect(result.status).toBe('no-web-client');
    expect(cognito.calls()).toHaveLength(0);
  });
});

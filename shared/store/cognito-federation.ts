/**
 * The user pool's federation in Cognito: CreateIdentityProvider / UpdateIdentityProvider /
 * DeleteIdentityProvider, and the web app client's SupportedIdentityProviders. cognito-local has none of
 * these calls: there the provider is kept in the LMS and the answer says plainly that the sync to Cognito
 * happens only in AWS.
 *
 * CloudFormation manages the web client and sets its list to COGNITO alone on every deploy that updates it;
 * `listOnWebClient` puts the synced providers back (the resync-web-client-providers job).
 *
 * An OIDC provider's client secret is kept in Secrets Manager (`lms/identity-providers/<name>`), written
 * before Cognito gets it, so Secrets Manager never holds an older secret than Cognito uses. Cognito is asked
 * for the provider first (DescribeIdentityProvider): cognito-local answers Unsupported, so locally nothing
 * reaches Secrets Manager. The secret value is never logged, returned, or kept anywhere else by the LMS.
 */
import {
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConflictError } from '../domain/errors.ts';
import { COGNITO_ATTRIBUTE, type IdentityProvider } from '../domain/identity-provider.ts';
import type { Federation, SyncResult } from '../use-cases/ports.ts';

export const AWS_ONLY =
  'Saved in the LMS. Identity providers sync to Cognito only in AWS: the local Cognito emulator has no federation.';

/** What listing providers on the web client says where the pool has no federation. */
export const WEB_CLIENT_AWS_ONLY =
  'Identity providers are listed on the web client only in AWS: the local Cognito emulator has no federation.';

/** Cognito's own sign-in (email and password): always on the web client's list. */
export const COGNITO_SIGN_IN = 'COGNITO';

type WebClientListing = Awaited<ReturnType<Federation['listOnWebClient']>>;

/** Where OIDC client secrets live in Secrets Manager; the federation functions may touch nothing else there. */
export const IDENTITY_PROVIDER_SECRET_PREFIX = 'lms/identity-providers/';

/** The tag every client secret is created with, so it can be found and told apart in the account. */
export const IDENTITY_PROVIDER_SECRET_TAG = {
  Key: 'lms:purpose',
  Value: 'identity-provider-client-secret',
} as const;

/** Days a removed provider's secret can still be restored (RestoreSecret) before it is gone. */
const RECOVERY_WINDOW_DAYS = 7;

/**
 * The Secrets Manager name of a provider's client secret.
 * @example identityProviderSecretName('Entra'); // 'lms/identity-providers/Entra'
 */
export function identityProviderSecretName(providerName: string): string {
  return `${IDENTITY_PROVIDER_SECRET_PREFIX}${providerName}`;
}

export class CognitoFederation implements Federation {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    /** The web app client whose sign-in page lists the providers; absent: the client is left alone. */
    private readonly webClientId: string | undefined,
    /** Where OIDC client secrets are kept (AWS only: nothing is written where Cognito has no federation). */
    private readonly secrets: SecretsManagerClient,
  ) {}

  async save(
    provider: IdentityProvider,
    secrets: {
      metadataXml?: string | undefined;
      metadataUrl?: string | undefined;
      clientSecret?: string | undefined;
    },
    created: boolean,
  ): Promise<SyncResult> {
    const common = {
      UserPoolId: this.userPoolId,
      ProviderName: provider.name,
      AttributeMapping: Object.fromEntries(
        Object.entries(provider.attributeMapping).map(([field, source]) => [
          COGNITO_ATTRIBUTE[field as keyof typeof COGNITO_ATTRIBUTE],
          source,
        ]),
      ),
      IdpIdentifiers: provider.domains,
    };
    const details = providerDetails(provider, secrets);
    const clientSecret = provider.type === 'OIDC' ? secrets.clientSecret : undefined;
    const result = await this.inAws(async () => {
      if (created) {
        if (clientSecret !== undefined) {
          if (await this.inCognito(provider.name)) throw nameTakenInCognito(provider.name);
          await this.keepSecret(provider.name, clientSecret);
        }
        try {
          await this.client.send(
            new CreateIdentityProviderCommand({
              ...common,
              ProviderType: provider.type,
              ProviderDetails: details,
            }),
          );
        } catch (error) {
          // Cognito refused the provider: the secret just written has nothing to serve.
          if (clientSecret !== undefined) await this.dropSecret(provider.name).catch(() => undefined);
          if ((error as Error).name === 'DuplicateProviderException') throw nameTakenInCognito(provider.name);
          throw error;
        }
        await this.editWebClient((listed) => new Set([...listed, provider.name]));
      } else {
        // A rotated secret is kept first; a provider Cognito lacks gets no secret (the update below fails).
        if (clientSecret !== undefined && (await this.inCognito(provider.name)))
          await this.keepSecret(provider.name, clientSecret);
        await this.client.send(
          new UpdateIdentityProviderCommand({
            ...common,
            // Details only with new metadata or a rotated secret: the rest stays as Cognito has it, the
            // client secret included, so an update without a new secret needs no read from Secrets Manager.
            ...(secrets.metadataXml || secrets.clientSecret ? { ProviderDetails: details } : {}),
          }),
        );
      }
    });
    // The secret's name only: its value is in no record and no answer of the LMS.
    return result.status === 'synced' && clientSecret !== undefined
      ? {
          ...result,
          message: `${result.message} The client secret is kept in AWS Secrets Manager as ${identityProviderSecretName(provider.name)}.`,
        }
      : result;
  }

  remove(provider: IdentityProvider): Promise<SyncResult> {
    return this.inAws(async () => {
      await this.editWebClient((listed) => new Set([...listed].filter((name) => name !== provider.name)));
      try {
        await this.client.send(
          new DeleteIdentityProviderCommand({ UserPoolId: this.userPoolId, ProviderName: provider.name }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
      // After Cognito: locally the call above answers Unsupported, so Secrets Manager is never reached.
      if (provider.type === 'OIDC') await this.dropSecret(provider.name);
    });
  }

  /**
   * Makes the web client's list exactly COGNITO plus the providers named that the pool has. Each is asked for
   * first (DescribeIdentityProvider): Cognito refuses the whole update when one listed provider does not
   * exist, and cognito-local answers Unsupported, which ends here as AWS-only before the client is touched.
   */
  async listOnWebClient(names: readonly string[]): Promise<WebClientListing> {
    const none = { added: [], removed: [], missing: [] };
    if (!this.webClientId)
      return {
        status: 'no-web-client',
        ...none,
        message: 'No web app client is configured (WEB_CLIENT_ID): there is no provider list to repair.',
      };
    const done = await this.federated(async () => {
      const present: string[] = [];
      const missing: string[] = [];
      for (const name of new Set(names)) {
        if (await this.inCognito(name)) present.push(name);
        else missing.push(name);
      }
      const change = await this.editWebClient(() => new Set([COGNITO_SIGN_IN, ...present]));
      return { present, missing, change };
    });
    if (!done) return { status: 'aws-only', ...none, message: WEB_CLIENT_AWS_ONLY };
    const { present, missing, change } = done.value;
    if (!change)
      return {
        status: 'no-web-client',
        ...none,
        missing,
        message: `The user pool has no app client ${this.webClientId} (WEB_CLIENT_ID): there is no provider list to repair.`,
      };
    const offered = [COGNITO_SIGN_IN, ...present].join(', ');
    const unknown = missing.length
      ? ` Not in the user pool, so not listed: ${missing.join(', ')} (save each again to create it in the pool).`
      : '';
    const changed = change.added.length + change.removed.length > 0;
    const what = [
      change.added.length ? `listed ${change.added.join(', ')}` : '',
      change.removed.length ? `unlisted ${change.removed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      status: changed ? 'updated' : 'unchanged',
      added: change.added,
      removed: change.removed,
      missing,
      message: changed
        ? `The web client ${what}: it offers ${offered}.${unknown}`
        : `The web client already offers ${offered}.${unknown}`,
    };
  }

  private async inAws(sync: () => Promise<void>): Promise<SyncResult> {
    return (await this.federated(sync))
      ? { status: 'synced', message: 'Synced to the Cognito user pool.' }
      : { status: 'aws-only', message: AWS_ONLY };
  }

  /** Runs `work`; undefined where the pool has no federation (cognito-local answers Unsupported). */
  private async federated<T>(work: () => Promise<T>): Promise<{ value: T } | undefined> {
    try {
      return { value: await work() };
    } catch (error) {
      if ((error as Error).name === 'Unsupported') return undefined;
      throw error;
    }
  }

  /**
   * Whether the pool has a provider by this name. Asked before any secret is written: cognito-local answers
   * Unsupported here, which ends the sync as AWS-only before Secrets Manager is reached.
   */
  private async inCognito(name: string): Promise<boolean> {
    try {
      await this.client.send(
        new DescribeIdentityProviderCommand({ UserPoolId: this.userPoolId, ProviderName: name }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }

  /**
   * Keeps the client secret: CreateSecret (tagged), or PutSecretValue when the secret exists. A secret
   * still in its recovery window (the provider was removed and is added again) is restored first: Secrets
   * Manager refuses both calls on it otherwise.
   */
  private async keepSecret(providerName: string, value: string): Promise<void> {
    const name = identityProviderSecretName(providerName);
    try {
      await this.secrets.send(
        new CreateSecretCommand({
          Name: name,
          Description: `Client secret of the LMS's OIDC identity provider ${providerName}`,
          SecretString: value,
          Tags: [IDENTITY_PROVIDER_SECRET_TAG],
        }),
      );
      return;
    } catch (error) {
      const kind = (error as Error).name;
      if (kind === 'InvalidRequestException' && (await this.deletionScheduled(name)))
        await this.secrets.send(new RestoreSecretCommand({ SecretId: name }));
      else if (kind !== 'ResourceExistsException') throw error;
    }
    await this.secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  }

  private async deletionScheduled(name: string): Promise<boolean> {
    const { DeletedDate } = await this.secrets.send(new DescribeSecretCommand({ SecretId: name }));
    return DeletedDate !== undefined;
  }

  /** Schedules the secret's deletion (recoverable for {@link RECOVERY_WINDOW_DAYS} days); none kept: done. */
  private async dropSecret(providerName: string): Promise<void> {
    try {
      await this.secrets.send(
        new DeleteSecretCommand({
          SecretId: identityProviderSecretName(providerName),
          RecoveryWindowInDays: RECOVERY_WINDOW_DAYS,
        }),
      );
    } catch (error) {
      // Providers added before secrets were kept have none.
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }

  /**
   * Gives the web client the provider list `edit` makes of its current one. UpdateUserPoolClient resets every
   * setting it is not given, so the client's current settings are read and sent back whole; nothing is written
   * when the list stays the same (order aside). Undefined when there is no web client to edit.
   */
  private async editWebClient(
    edit: (listed: ReadonlySet<string>) => Set<string>,
  ): Promise<{ added: string[]; removed: string[] } | undefined> {
    if (!this.webClientId) return undefined;
    const { UserPoolClient: current } = await this.client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: this.userPoolId, ClientId: this.webClientId }),
    );
    if (!current) return undefined;
    const listed = new Set(current.SupportedIdentityProviders ?? []);
    const providers = edit(listed);
    const added = [...providers].filter((name) => !listed.has(name));
    const removed = [...listed].filter((name) => !providers.has(name));
    if (added.length === 0 && removed.length === 0) return { added, removed };
    const input: UpdateUserPoolClientCommandInput = {
      UserPoolId: this.userPoolId,
      ClientId: this.webClientId,
      ClientName: current.ClientName,
      RefreshTokenValidity: current.RefreshTokenValidity,
      AccessTokenValidity: current.AccessTokenValidity,
      IdTokenValidity: current.IdTokenValidity,
      TokenValidityUnits: current.TokenValidityUnits,
      ReadAttributes: current.ReadAttributes,
      WriteAttributes: current.WriteAttributes,
      ExplicitAuthFlows: current.ExplicitAuthFlows,
      SupportedIdentityProviders: [...providers],
      CallbackURLs: current.CallbackURLs,
      LogoutURLs: current.LogoutURLs,
      DefaultRedirectURI: current.DefaultRedirectURI,
      AllowedOAuthFlows: current.AllowedOAuthFlows,
      AllowedOAuthScopes: current.AllowedOAuthScopes,
      AllowedOAuthFlowsUserPoolClient: current.AllowedOAuthFlowsUserPoolClient,
      AnalyticsConfiguration: current.AnalyticsConfiguration,
      PreventUserExistenceErrors: current.PreventUserExistenceErrors,
      EnableTokenRevocation: current.EnableTokenRevocation,
      EnablePropagateAdditionalUserContextData: current.EnablePropagateAdditionalUserContextData,
      AuthSessionValidity: current.AuthSessionValidity,
      RefreshTokenRotation: current.RefreshTokenRotation,
    };
    await this.client.send(new UpdateUserPoolClientCommand(input));
    return { added, removed };
  }
}

function nameTakenInCognito(name: string): ConflictError {
  return new ConflictError(
    `The Cognito user pool already has an identity provider named ${name} that the LMS does not manage: remove it from the pool, or choose another name.`,
    [{ path: 'body.name', message: 'taken in the Cognito user pool' }],
  );
}

function providerDetails(
  provider: IdentityProvider,
  secrets: {
    metadataXml?: string | undefined;
    metadataUrl?: string | undefined;
    clientSecret?: string | undefined;
  },
): Record<string, string> {
  // A metadata URL: Cognito reads it itself and keeps the certificates current.
  if (provider.type === 'SAML' && secrets.metadataUrl) return { MetadataURL: secrets.metadataUrl };
  if (provider.type === 'SAML') return secrets.metadataXml ? { MetadataFile: secrets.metadataXml } : {};
  if (!provider.oidc) return {};
  return {
    client_id: provider.oidc.clientId,
    ...(secrets.clientSecret ? { client_secret: secrets.clientSecret } : {}),
    authorize_scopes: provider.oidc.scopes.join(' '),
    attributes_request_method: provider.oidc.attributesRequestMethod,
    oidc_issuer: provider.oidc.issuer,
  };
}

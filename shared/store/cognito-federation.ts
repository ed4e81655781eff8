/**
 * The user pool's federation in Cognito: CreateIdentityProvider / UpdateIdentityProvider /
 * DeleteIdentityProvider, and the web app client's SupportedIdentityProviders. cognito-local has none of
 * these calls: there the provider is kept in the LMS and the answer says plainly that the sync to Cognito
 * happens only in AWS.
 */
import {
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  DeleteIdentityProviderCommand,
  DescribeUserPoolClientCommand,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { COGNITO_ATTRIBUTE, type IdentityProvider } from '../domain/identity-provider.ts';
import type { Federation, SyncResult } from '../use-cases/ports.ts';

export const AWS_ONLY =
  'Saved in the LMS. Identity providers sync to Cognito only in AWS: the local Cognito emulator has no federation.';

export class CognitoFederation implements Federation {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    /** The web app client whose sign-in page lists the providers; absent: the client is left alone. */
    private readonly webClientId: string | undefined,
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
    return this.inAws(async () => {
      if (created) {
        await this.client.send(
          new CreateIdentityProviderCommand({
            ...common,
            ProviderType: provider.type,
            ProviderDetails: details,
          }),
        );
        await this.listOnWebClient(provider.name, true);
      } else {
        await this.client.send(
          new UpdateIdentityProviderCommand({
            ...common,
            // Details only with new metadata or a rotated secret: the rest stays as Cognito has it.
            ...(secrets.metadataXml || secrets.clientSecret ? { ProviderDetails: details } : {}),
          }),
        );
      }
    });
  }

  remove(provider: IdentityProvider): Promise<SyncResult> {
    return this.inAws(async () => {
      await this.listOnWebClient(provider.name, false);
      try {
        await this.client.send(
          new DeleteIdentityProviderCommand({ UserPoolId: this.userPoolId, ProviderName: provider.name }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
    });
  }

  private async inAws(sync: () => Promise<void>): Promise<SyncResult> {
    try {
      await sync();
      return { status: 'synced', message: 'Synced to the Cognito user pool.' };
    } catch (error) {
      if ((error as Error).name === 'Unsupported') return { status: 'aws-only', message: AWS_ONLY };
      throw error;
    }
  }

  /**
   * UpdateUserPoolClient resets every setting it is not given, so the client's current settings are read
   * and sent back whole, with the provider added to (or removed from) its list.
   */
  private async listOnWebClient(name: string, listed: boolean): Promise<void> {
    if (!this.webClientId) return;
    const { UserPoolClient: current } = await this.client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: this.userPoolId, ClientId: this.webClientId }),
    );
    if (!current) return;
    const providers = new Set(current.SupportedIdentityProviders ?? []);
    if (listed) providers.add(name);
    else providers.delete(name);
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
  }
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

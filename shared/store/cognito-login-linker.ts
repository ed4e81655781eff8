/** Linking a federated identity to an existing native login, in Cognito (AWS only: cognito-local has no federation). */
import {
  AdminLinkProviderForUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LoginLinker } from '../use-cases/ports.ts';

export class CognitoLoginLinker implements LoginLinker {
  constructor(private readonly client: CognitoIdentityProviderClient) {}

  async nativeLogin(userPoolId: string, email: string): Promise<string | undefined> {
    const { Users } = await this.client.send(
      new ListUsersCommand({
        UserPoolId: userPoolId,
        Filter: `email = "${email.replace(/["\\]/g, '')}"`,
        Limit: 10,
      }),
    );
    return (Users ?? []).find((user) => user.UserStatus !== 'EXTERNAL_PROVIDER')?.Username;
  }

  async groupsOf(userPoolId: string, username: string): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, NextToken }),
      );
      for (const group of page.Groups ?? []) if (group.GroupName) names.push(group.GroupName);
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  async link(
    userPoolId: string,
    nativeUsername: string,
    provider: string,
    providerUserId: string,
  ): Promise<void> {
    await this.client.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: userPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: nativeUsername },
        SourceUser: {
          ProviderName: provider,
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: providerUserId,
        },
      }),
    );
  }
}

/**
 * The sign-in directory on Cognito: a login by user name (or its email alias: the pool signs in with email,
 * so the admin API takes the email as the username too), its role groups, linked SSO identities and recent
 * sign-in events; signing a login out everywhere.
 */
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminListUserAuthEventsCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Login, type LoginAccount, linkedIdentities, loginAccount } from '../domain/access.ts';
import { ROLES, type Role } from '../domain/principal.ts';
import type { IdentityDirectory } from '../use-cases/ports.ts';

/** Sign-in events shown when troubleshooting: enough to see a pattern of failures. */
const RECENT_SIGN_INS = 10;

export class CognitoIdentityDirectory implements IdentityDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async login(name: string): Promise<Login | undefined> {
    const user = await this.findUser(name);
    if (!user) return undefined;
    const username = user.Username ?? name;
    const attributes = new Map((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    const [groups, recentSignIns] = await Promise.all([this.groups(username), this.recentSignIns(username)]);
    return {
      username,
      sub: attributes.get('sub') ?? username,
      email: attributes.get('email') ?? null,
      enabled: user.Enabled !== false,
      status: user.UserStatus ?? 'UNKNOWN',
      emailVerified: attributes.get('email_verified') === 'true',
      mfa: user.UserMFASettingList ?? [],
      groups,
      identities: linkedIdentities(attributes.get('identities')),
      createdAt: user.UserCreateDate ? new Date(user.UserCreateDate).toISOString() : null,
      recentSignIns,
    };
  }

  async account(name: string): Promise<LoginAccount | undefined> {
    const user = await this.findUser(name);
    if (!user?.Username) return undefined;
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value]));
    return loginAccount(user.Username, attributes, user.UserStatus);
  }

  async *logins(): AsyncIterable<LoginAccount> {
    let PaginationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: 60, PaginationToken }),
      );
      for (const user of page.Users ?? []) {
        const attributes = Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value]));
        if (user.Username && attributes.sub) yield loginAccount(user.Username, attributes, user.UserStatus);
      }
      PaginationToken = page.PaginationToken;
    } while (PaginationToken);
  }

  async groupMembers(group: Role): Promise<LoginAccount[]> {
    const members: LoginAccount[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: group, Limit: 60, NextToken }),
      );
      for (const user of page.Users ?? []) {
        const attributes = Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value]));
        if (user.Username && attributes.sub)
          members.push(loginAccount(user.Username, attributes, user.UserStatus));
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return members;
  }

  async signOut(username: string): Promise<'signed-out' | 'aws-only'> {
    try {
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: username }),
      );
      return 'signed-out';
    } catch (error) {
      // cognito-local has no AdminUserGlobalSignOut: it answers `CognitoLocal#Unsupported`.
      if ((error as Error).name === 'Unsupported') return 'aws-only';
      throw error;
    }
  }

  async setRoleGroups(username: string, roles: readonly Role[]): Promise<void> {
    const current = new Set(await this.groups(username));
    const UserPoolId = this.userPoolId;
    for (const role of ROLES) {
      const wanted = roles.includes(role);
      if (wanted && !current.has(role))
        await this.client.send(
          new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: role }),
        );
      if (!wanted && current.has(role))
        await this.client.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: username, GroupName: role }),
        );
    }
  }

  /**
   * The MFA methods the login has turned on (`UserMFASettingList`, e.g. `SOFTWARE_TOKEN_MFA`); none when
   * Cognito lists none. Cognito asks every login with a method turned on for a code at sign-in.
   */
  async mfaMethods(username: string): Promise<string[]> {
    const { UserMFASettingList } = await this.getUser(username);
    return UserMFASettingList ?? [];
  }

  private getUser(name: string) {
    return this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: name }));
  }

  private async findUser(name: string) {
    try {
      return await this.getUser(name);
    } catch (error) {
      if ((error as Error).name === 'UserNotFoundException') return undefined;
      throw error;
    }
  }

  private async groups(username: string): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, NextToken }),
      );
      for (const group of page.Groups ?? []) if (group.GroupName) names.push(group.GroupName);
      NextToken = page.NextToken;
    } while (NextToken);
    return names.sort();
  }

  /** Null where the pool records none: threat protection off (AWS), or an emulator without the call. */
  private async recentSignIns(username: string): Promise<Login['recentSignIns']> {
    try {
      const { AuthEvents } = await this.client.send(
        new AdminListUserAuthEventsCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          MaxResults: RECENT_SIGN_INS,
        }),
      );
      return (AuthEvents ?? []).map((event) => ({
        at: new Date(event.CreationDate ?? 0).toISOString(),
        type: event.EventType ?? 'Unknown',
        outcome: event.EventResponse ?? 'Unknown',
        risk: event.EventRisk?.RiskLevel ?? null,
      }));
    } catch (error) {
      const name = (error as Error).name;
      if (
        name === 'UserPoolAddOnNotEnabledException' ||
        name === 'NotImplemented' ||
        name === 'UnsupportedError'
      )
        return null;
      // cognito-local answers an unknown target with a plain error: say "none recorded" rather than fail.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 500)
        return null;
      throw error;
    }
  }
}

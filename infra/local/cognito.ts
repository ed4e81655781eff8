/**
 * Users, sign-in and token verification against cognito-local.
 *
 * Facts about cognito-local 5.3 this module relies on (read from its source):
 * - tokens are RS256, signed with one fixed key pair shipped in the package (`kid` = `CognitoLocal`);
 * - `iss` = `${TokenConfig.IssuerDomain}/${userPoolId}`; emulators.ts sets IssuerDomain to the emulator's
 *   own URL, so the issuer is `http://127.0.0.1:<port>/<poolId>` and the JWKS is served at
 *   `<issuer>/.well-known/jwks.json`, the same layout as Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`;
 * - ID tokens carry `aud` = app client id, `token_use` = `id`, `email`, `email_verified`, `cognito:username`,
 *   `custom:*` attributes and, when the user is in groups, `cognito:groups` (group names, sorted by name);
 *   access tokens carry `client_id`, `token_use` = `access` and no `aud`.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import { CognitoJwtInvalidTokenUseError, JwtExpiredError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { ROLES, type Role } from '../../shared/domain/principal.ts';
import { type EmulatorEndpoints, LOCAL_CREDENTIALS } from './emulators.ts';
import { cognitoIssuer, cognitoJwksUri } from './issuer.ts';
import type { LocalResources } from './resources.ts';

type PoolRef = Pick<LocalResources, 'userPoolId'>;

export interface CognitoUserSpec {
  email: string;
  password: string;
  /** The user ends up in exactly these role groups (groups that are not roles are left alone). */
  groups: readonly Role[];
  /** Extra attributes, e.g. `{ given_name: 'Ada' }` or `custom:*` ones defined in the pool schema. */
  attributes?: Record<string, string>;
}

export interface CognitoUser {
  /** Cognito's username: with email sign-in this is the user's `sub`, not the email. */
  username: string;
  sub: string;
  email: string;
  /** Whether this call created the user. */
  created: boolean;
}

/**
 * Creates or converges a user: confirmed, permanent password, `email_verified`, attributes and role groups.
 * No invitation is sent. Idempotent.
 * @example await ensureCognitoUser(clients.cognito, resources, { email: 'admin@example.com', password, groups: ['admin'] });
 */
export async function ensureCognitoUser(
  client: CognitoIdentityProviderClient,
  resources: PoolRef,
  spec: CognitoUserSpec,
): Promise<CognitoUser> {
  const UserPoolId = resources.userPoolId;
  const wanted: AttributeType[] = [
    ...Object.entries(spec.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })),
    { Name: 'email_verified', Value: 'true' },
  ];

  let user = await getUser(client, UserPoolId, spec.email);
  const created = user === undefined;
  if (!user) {
    try {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: spec.email,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: spec.password,
          UserAttributes: [{ Name: 'email', Value: spec.email }, ...wanted],
        }),
      );
    } catch (error) {
      // Another process created it meanwhile: converge it like an existing user.
      if ((error as Error).name !== 'UsernameExistsException') throw error;
    }
    user = await getUser(client, UserPoolId, spec.email);
    if (!user) throw new Error(`Cognito user ${spec.email} was created but cannot be read back.`);
  } else {
    const current = new Map(
      (user.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]),
    );
    const changed = wanted.filter((attribute) => current.get(attribute.Name) !== attribute.Value);
    if (changed.length > 0) {
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId,
          Username: user.Username,
          UserAttributes: changed,
        }),
      );
    }
  }

  const username = user.Username as string;
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId,
      Username: username,
      Password: spec.password,
      Permanent: true,
    }),
  );

  // Group calls use the canonical username: cognito-local's AdminListGroupsForUser does not resolve an email.
  const current = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId, Username: username, NextToken: nextToken }),
    );
    for (const group of page.Groups ?? []) if (group.GroupName) current.add(group.GroupName);
    nextToken = page.NextToken;
  } while (nextToken);
  for (const role of spec.groups) {
    if (!current.has(role)) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: role }));
    }
  }
  for (const role of ROLES) {
    if (current.has(role) && !spec.groups.includes(role)) {
      await client.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: username, GroupName: role }),
      );
    }
  }

  const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? username;
  return { username, sub, email: spec.email, created };
}

async function getUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<AdminGetUserCommandOutput | undefined> {
  try {
    return await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') return undefined;
    throw error;
  }
}

export interface SignInTokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
}

/**
 * Signs in with USER_PASSWORD_AUTH, as a web client would.
 * @param options.clientId another app client of the pool (default: the web client)
 */
export async function signIn(
  endpoints: Pick<EmulatorEndpoints, 'cognito'>,
  resources: Pick<LocalResources, 'region' | 'userPoolClientId'>,
  email: string,
  password: string,
  options: { clientId?: string } = {},
): Promise<SignInTokens> {
  const client = new CognitoIdentityProviderClient({
    region: resources.region,
    endpoint: endpoints.cognito,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const output = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: options.clientId ?? resources.userPoolClientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (output.ChallengeName) {
      throw new Error(
        `Sign-in of ${email} asks for the ${output.ChallengeName} challenge; ensureCognitoUser sets a permanent password.`,
      );
    }
    const result = output.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken) throw new Error(`Sign-in of ${email} returned no tokens.`);
    return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken };
  } finally {
    client.destroy();
  }
}

/** Verified ID token claims (`sub`, `email`, `cognito:groups`, `custom:*`, ...). */
export type IdTokenClaims = Record<string, unknown>;
export type IdTokenVerifier = (token: string) => Promise<IdTokenClaims>;

/**
 * Verifies an ID token the way API Gateway's Cognito user pool authorizer does in AWS: RS256 signature against
 * the pool's JWKS, `iss` = the pool's issuer, `token_use` = `id`, `aud` = the app client id, not expired.
 * Rejects with aws-jwt-verify's errors (all `JwtBaseError`s; claim failures are `JwtInvalidClaimError`s).
 * @param options.clientId accepted audience(s) (default: the web client)
 */
export function createIdTokenVerifier(
  endpoints: Pick<EmulatorEndpoints, 'cognito'>,
  resources: Pick<LocalResources, 'userPoolId' | 'userPoolClientId'>,
  options: { clientId?: string | string[] } = {},
): IdTokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: cognitoIssuer(endpoints, resources),
      jwksUri: cognitoJwksUri(endpoints, resources),
      audience: options.clientId ?? resources.userPoolClientId,
      graceSeconds: 0,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') {
          throw new CognitoJwtInvalidTokenUseError(
            `Token use not allowed: ${String(payload.token_use)}. Expected: id`,
            payload.token_use,
            'id',
          );
        }
        if (typeof payload.exp !== 'number') {
          throw new JwtExpiredError('Token has no expiry (exp)', payload.exp, 'a number');
        }
      },
    },
    // aws-jwt-verify's default fetcher speaks HTTPS only; cognito-local serves plain HTTP.
    { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
  );
  return async (token) => (await verifier.verify(token)) as IdTokenClaims;
}

export const httpFetcher: Fetcher = {
  fetch: async (uri) => {
    const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET ${uri} answered ${response.status}`);
    return response.arrayBuffer();
  },
};

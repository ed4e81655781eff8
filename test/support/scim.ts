/** Calling /scim/v2 as an identity provider does, for the SCIM e2e tests. */
import { randomUUID } from 'node:crypto';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient } from '../../shared/clients.ts';
import { type ApiResponse, api, freshTokenFor, machineToken, tokenFor } from './http.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The token an identity provider's SCIM connector holds: by default a SCIM token an administrator made
 * (`POST /scim-tokens`), the long-lived bearer secret pasted into Okta's "HTTP Header" or Entra ID's
 * "Secret Token"; or the access token of a machine client with the lms/scim scope (OAuth client
 * credentials), which the identity providers can use too.
 */
export async function scimToken(
  name: string,
  kind: 'scim-token' | 'client-credentials' = 'scim-token',
): Promise<string> {
  const description = `${name} ${randomUUID().slice(0, 8)}`;
  if (kind === 'client-credentials') return machineToken(description, ['lms/scim']);
  const admin = await tokenFor('admin@example.com');
  const created = await api('POST', '/scim-tokens', { token: admin, body: { description } });
  if (created.status !== 201) throw new Error(`cannot make a SCIM token: ${created.text}`);
  return created.json.secret as string;
}

/** A SCIM request as the IdPs send it: application/scim+json (Okta, Entra ID). */
export function scim(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return api(method, `/scim/v2${path}`, {
    token,
    body,
    headers: { 'content-type': 'application/scim+json; charset=utf-8', ...headers },
  });
}

/**
 * The person's first sign-in. In AWS they sign in through the company's IdP (SAML/OIDC), whose first
 * sign-in links the login to the profile SCIM made; cognito-local has no federation, so here the login is a
 * native one with the verified email, which the first sign-in links the same way (by verified email).
 */
export async function firstSignIn(email: string): Promise<string> {
  const { resources } = readLocalEnvironment();
  await ensureCognitoUser(cognitoClient(), resources, {
    email,
    password: DEMO_PASSWORD,
    groups: ['learner'],
  });
  return freshTokenFor(email);
}

/** Asks until the answer satisfies `done` (the event bus works in the background), or gives up after 30 s. */
export async function eventually<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The API's request authorizer: turns a verified bearer token into the context handlers read
 * (principal.ts). People send ID tokens of the web client; machine clients send client-credentials access
 * tokens; identity providers' SCIM connectors send SCIM tokens (`lms_scim_...`, shared/domain/scim-token.ts).
 * The Lambda authorizer runs this in AWS (functions/auth/authorize-request.ts), and the local gateway runs
 * it too, with the local issuers' verifiers.
 *
 * Why not API Gateway's Cognito authorizer: a method with OAuth scopes accepts only access tokens, and one
 * without accepts only ID tokens, while most routes serve people and machine clients alike. So one
 * authorizer authenticates both kinds, and the route gate (middleware/authorize.ts) decides roles and scopes
 * from the manifest, in one place, in AWS and locally.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { ApiScope } from '../domain/api-scopes.ts';
import {
  isScimTokenShaped,
  isWellFormedScimToken,
  SCIM_BASE_PATH,
  SCIM_TOKEN_CLIENT_PREFIX,
  type ScimTokenStanding,
  scimTokenSecretHash,
} from '../domain/scim-token.ts';
import { logger } from './logger.ts';
import type { HttpMethod } from './route.ts';

/** The Lambda authorizer's handler module (the API stack deploys it; it is neither a route nor a job). */
export const AUTHORIZER_HANDLER = 'functions/auth/authorize-request.ts';

/**
 * What API Gateway passes to the handler as `requestContext.authorizer` (flat strings). `exp` rides along
 * because API Gateway caches the answer (up to {@link AUTHORIZER_CACHE_SECONDS}): the route gate refuses a
 * token past it. A person's context names the LMS profile their login is linked to (`lms_user_id`) and its
 * state (`lms_access`), read from the table, never from the token's email.
 */
export type AuthorizerContext = Record<string, string>;

/**
 * How long API Gateway may keep an answer: a suspended profile, a revoked machine client or a client's
 * narrowed scopes take effect within this time.
 */
export const AUTHORIZER_CACHE_SECONDS = 60;

/** A person's standing in the LMS, as the authorizer found it: the route gate refuses all but `active`. */
export type LmsAccess = 'active' | 'suspended' | 'unlinked';

/** What the authorizer reads of the LMS for a token (one or two table reads), and writes (a SCIM token's use). */
export interface CallerLookup {
  /** The scopes a machine client's record holds now; undefined when the LMS does not know it (revoked, never created). */
  clientScopes(clientId: string): Promise<readonly string[] | undefined>;
  /** The LMS profile a login is linked to (by `sub`) and whether it is active. */
  personOfLogin(sub: string): Promise<{ userId: string; active: boolean } | undefined>;
  /** The SCIM token whose secret has this SHA-256 (hex); undefined when there is none. */
  scimToken(secretHash: string): Promise<ScimTokenStanding | undefined>;
  /** Records the token's use at `at`, unless it was recorded less than a minute before. */
  scimTokenUsed(tokenId: string, at: Date): Promise<void>;
}

/** The one scope a SCIM token carries: no route but the SCIM endpoints admits it. */
const SCIM_TOKEN_SCOPE: ApiScope = 'lms/scim';

/** The methods a SCIM token may call under /scim/v2 (every method the manifest knows). */
const SCIM_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const satisfies readonly HttpMethod[];

/** A SCIM token's `lastUsedAt` is written at most this often (the store's condition says the same). */
const LAST_USED_EVERY_MS = 60_000;

export class TokenRefused extends Error {}

/**
 * The context of a verified token's claims. Refuses an ID token of another app client, and an access token
 * that belongs to a person (it carries `username`): people call the API with their ID token.
 * @example authorizerContext({ token_use: 'id', aud: 'web', sub: 's', email: 'a@b.c', 'cognito:groups': ['admin'] }, 'web')
 */
export function authorizerContext(claims: Record<string, unknown>, webClientId: string): AuthorizerContext {
  // A token that never expires would outlive every revocation: refuse it whatever signed it.
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    throw new TokenRefused('a token without a finite exp');
  if (claims.token_use === 'id') {
    if (claims.aud !== webClientId) throw new TokenRefused('an ID token of another app client');
    if (typeof claims.sub !== 'string') throw new TokenRefused('an ID token without sub');
    const groups = claims['cognito:groups'];
    return {
      principal: 'person',
      exp: String(claims.exp),
      sub: claims.sub,
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      'cognito:groups': Array.isArray(groups) ? groups.join(',') : typeof groups === 'string' ? groups : '',
    };
  }
  if (claims.token_use === 'access') {
    if (claims.username !== undefined) throw new TokenRefused("a person's access token: send the ID token");
    if (typeof claims.client_id !== 'string') throw new TokenRefused('an access token without client_id');
    return {
      principal: 'client',
      exp: String(claims.exp),
      client_id: claims.client_id,
      scope: typeof claims.scope === 'string' ? claims.scope : '',
    };
  }
  throw new TokenRefused(`token_use ${String(claims.token_use)}`);
}

/**
 * Verifies a bearer token and builds its context:
 * - a SCIM token (by its prefix) must be one the LMS issued, neither revoked nor expired; it acts as the
 *   machine client `scim-token:<id>` with the scope `lms/scim`, until its own expiry;
 * - a machine client must be one the LMS created (a record of `POST /api-clients`): another app client of the
 *   pool, or a revoked one, is refused even while its token has not expired; its token keeps only the scopes
 *   the record still holds (an admin may have narrowed them since the token was issued);
 * - a person is whoever their login is linked to, by `sub`: a login with no linked profile gets
 *   `lms_access: unlinked`, a suspended profile `suspended`, and the route gate refuses both with a reason.
 */
export async function authenticate(
  token: string,
  verify: (token: string) => Promise<Record<string, unknown>>,
  webClientId: string,
  lookup: CallerLookup,
  now: Date = new Date(),
): Promise<AuthorizerContext> {
  if (isScimTokenShaped(token)) return scimTokenContext(token, lookup, now);
  const context = authorizerContext(await verify(token), webClientId);
  if (context.principal === 'client') {
    const held = await lookup.clientScopes(context.client_id ?? '');
    if (!held)
      throw new TokenRefused('a client the LMS does not know (revoked, or not created through /api-clients)');
    const scope = (context.scope ?? '').split(/\s+/).filter((name) => name !== '' && held.includes(name));
    return { ...context, scope: scope.join(' ') };
  }
  const person = await lookup.personOfLogin(context.sub ?? '');
  if (!person) return { ...context, lms_access: 'unlinked' satisfies LmsAccess };
  return {
    ...context,
    lms_user_id: person.userId,
    lms_access: (person.active ? 'active' : 'suspended') satisfies LmsAccess,
  };
}

/**
 * A SCIM token's context: the same shape as a machine client's, so the route gate and the principal need no
 * case of their own. Its use is recorded at most once a minute; a failure to record never refuses it.
 */
async function scimTokenContext(token: string, lookup: CallerLookup, now: Date): Promise<AuthorizerContext> {
  // Not one we issued: refused before any read.
  if (!isWellFormedScimToken(token)) throw new TokenRefused('a SCIM token of the wrong shape');
  const standing = await lookup.scimToken(scimTokenSecretHash(token));
  if (!standing) throw new TokenRefused('a SCIM token the LMS does not know');
  if (standing.revokedAt) throw new TokenRefused(`SCIM token ${standing.id} was revoked`);
  const expiresAt = Date.parse(standing.expiresAt);
  if (!(expiresAt > now.getTime())) throw new TokenRefused(`SCIM token ${standing.id} has expired`);
  const recentlyRecorded =
    standing.lastUsedAt !== null && now.getTime() - Date.parse(standing.lastUsedAt) < LAST_USED_EVERY_MS;
  if (!recentlyRecorded) {
    await lookup.scimTokenUsed(standing.id, now).catch((error: unknown) => {
      logger.warn('could not record a SCIM token use', {
        tokenId: standing.id,
        error: (error as Error).message,
      });
    });
  }
  return {
    principal: 'client',
    client_id: `${SCIM_TOKEN_CLIENT_PREFIX}${standing.id}`,
    scope: SCIM_TOKEN_SCOPE,
    exp: String(Math.floor(expiresAt / 1000)),
  };
}

/**
 * The authorizer's answer: the token is authentic, so it may reach the stage's methods; which route it may
 * call is the route gate's decision. A SCIM token may reach the paths under /scim/v2/ only, so API Gateway
 * refuses it anywhere else (403) before any function runs. Either policy is the same for every method, so
 * API Gateway may cache it per token across routes.
 */
export function allowWithContext(methodArn: string, context: AuthorizerContext): APIGatewayAuthorizerResult {
  // arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path...>
  const [apiAndStage = '', stage = ''] = methodArn.split('/');
  // A `*` in the resource matches slashes too, so each method is named: `<stage>/*/scim/v2/*` would also
  // match a path that only contains /scim/v2/ further down.
  const resource = context.client_id?.startsWith(SCIM_TOKEN_CLIENT_PREFIX)
    ? SCIM_METHODS.map((method) => `${apiAndStage}/${stage}/${method}${SCIM_BASE_PATH}/*`)
    : `${apiAndStage}/${stage}/*`;
  return {
    principalId: principalIdOf(context),
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    },
    context,
  };
}

/** Who the answer is for, as API Gateway logs it: a person's `sub`, or `client:<clientId>`. */
export function principalIdOf(context: AuthorizerContext): string {
  return context.principal === 'client' ? `client:${context.client_id}` : (context.sub ?? '');
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

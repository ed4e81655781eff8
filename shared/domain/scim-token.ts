/**
 * SCIM tokens: the long-lived bearer secrets an admin pastes into an identity provider's SCIM connector (Okta,
 * Entra ID), which mostly cannot run the client-credentials grant. A token opens /scim/v2 and nothing else,
 * acts as the machine client `scim-token:<id>` with the scope `lms/scim`, and is stored only as the SHA-256
 * of its secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { IsoDateTime, text } from './common.ts';

/** Where the SCIM 2.0 endpoints live: a SCIM token opens the paths under it and nothing else. */
export const SCIM_BASE_PATH = '/scim/v2';

/** What every SCIM token starts with, so the authorizer (and a secret scanner) can tell one from a JWT. */
export const SCIM_TOKEN_PREFIX = 'lms_scim_';

/** The prefix and 32 random bytes in base64url (43 characters, no padding). */
const SCIM_TOKEN_SHAPE = /^lms_scim_[A-Za-z0-9_-]{43}$/;

/** A token's `client_id` in the authorizer's context, and so its actor in audit records: `scim-token:<id>`. */
export const SCIM_TOKEN_CLIENT_PREFIX = 'scim-token:';

export const SCIM_TOKEN_DEFAULT_DAYS = 365;
export const SCIM_TOKEN_MAX_DAYS = 730;

/** A new secret: the prefix and 32 bytes from the system's CSPRNG. */
export function newScimTokenSecret(): string {
  return `${SCIM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether a bearer token claims to be a SCIM token (it may still be unknown, revoked or expired). */
export function isScimTokenShaped(bearer: string): boolean {
  return bearer.startsWith(SCIM_TOKEN_PREFIX);
}

/** Whether the secret has exactly the shape this LMS issues; anything else is refused unread. */
export function isWellFormedScimToken(secret: string): boolean {
  return SCIM_TOKEN_SHAPE.test(secret);
}

/** What is stored of a secret: its SHA-256, hex. A fast hash is enough for 256 random bits. */
export function scimTokenSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * A token's id: the first 128 bits of its secret's hash. The record is keyed by it, so both the admin routes
 * (by id) and the authorizer (by secret) reach it with one strongly consistent GetItem: a revocation is seen
 * by the very next request, which a lookup through an index (eventually consistent) could not promise.
 * The id says nothing about the secret (SHA-256 is one-way, and the secret has 256 random bits).
 * @example scimTokenIdOf(scimTokenSecretHash('lms_scim_...')) // '3f9c...' (32 hex characters)
 */
export function scimTokenIdOf(secretHash: string): string {
  return secretHash.slice(0, 32);
}

export const ScimTokenId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'a SCIM token id (32 hexadecimal characters)')
  .describe('SCIM token id');

export const ScimToken = z
  .strictObject({
    id: ScimTokenId,
    description: text(256).describe('What the token is for, e.g. "Okta production"'),
    createdAt: IsoDateTime,
    createdBy: text(256),
    expiresAt: IsoDateTime.describe('The token is refused from this time on'),
    revokedAt: IsoDateTime.nullable().describe('When an admin revoked it; refused from then on'),
    lastUsedAt: IsoDateTime.nullable().describe(
      'When a request last authenticated with it (written at most once a minute)',
    ),
  })
  .meta({ id: 'ScimToken' });
export type ScimToken = z.infer<typeof ScimToken>;

export const CreateScimTokenInput = z
  .strictObject({
    description: text(256).describe('What the token is for, e.g. "Okta production"'),
    expiresInDays: z
      .number()
      .int('a whole number of days')
      .min(1)
      .max(SCIM_TOKEN_MAX_DAYS)
      .default(SCIM_TOKEN_DEFAULT_DAYS)
      .describe(
        `Days until the token expires: 1 to ${SCIM_TOKEN_MAX_DAYS} (${SCIM_TOKEN_DEFAULT_DAYS} when absent)`,
      ),
  })
  .meta({ id: 'CreateScimTokenInput' });
export type CreateScimTokenInput = z.infer<typeof CreateScimTokenInput>;

export const ScimTokenCreated = z
  .strictObject({
    token: ScimToken,
    secret: z
      .string()
      .describe(
        "The bearer token for the identity provider's SCIM connector: shown once, never stored by the LMS (only its hash)",
      ),
  })
  .meta({ id: 'ScimTokenCreated' });

export const ScimTokenList = z.strictObject({ items: z.array(ScimToken) }).meta({ id: 'ScimTokenList' });

export const ScimTokenParams = z.strictObject({ id: ScimTokenId });

/** What the request authorizer needs of a token to decide. */
export interface ScimTokenStanding {
  id: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/**
 * SCIM tokens: the bearer secrets identity providers' SCIM connectors send to /scim/v2.
 *
 * - create: a new secret from the CSPRNG; its SHA-256 and the id derived from it are stored with the record,
 *   in one transaction with the audit record; the secret is in the answer only, never stored or logged;
 * - revoke: `revokedAt` is set once, with its audit record; the authorizer refuses the token from its next
 *   check on (API Gateway may keep an answer it gave before for up to a minute);
 * - the request authorizer, not this module, decides on each request and records `lastUsedAt`.
 */
import type { AuditRecord } from '../domain/audit.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import {
  type CreateScimTokenInput,
  newScimTokenSecret,
  type ScimToken,
  scimTokenIdOf,
  scimTokenSecretHash,
} from '../domain/scim-token.ts';
import { auditChange } from './context.ts';
import type { Runtime, ScimTokenRepository } from './ports.ts';

export interface ScimTokenDeps {
  tokens: ScimTokenRepository;
  runtime: Runtime;
}

const DAY_MS = 86_400_000;

export async function createScimToken(
  deps: ScimTokenDeps,
  actor: Actor,
  input: CreateScimTokenInput,
): Promise<{ token: ScimToken; secret: string }> {
  const secret = newScimTokenSecret();
  const secretHash = scimTokenSecretHash(secret);
  const now = deps.runtime.now();
  const token: ScimToken = {
    id: scimTokenIdOf(secretHash),
    description: input.description,
    createdAt: now.toISOString(),
    createdBy: actor.principal.email ?? actor.principal.sub,
    expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await deps.tokens.create(token, secretHash, audit(deps, actor, 'scim-token.created', token, null, token));
  return { token, secret };
}

export async function getScimToken(deps: ScimTokenDeps, id: string): Promise<ScimToken> {
  const token = await deps.tokens.get(id);
  if (!token) throw new NotFoundError('SCIM token', id);
  return token;
}

export function listScimTokens(deps: ScimTokenDeps): Promise<ScimToken[]> {
  return deps.tokens.list();
}

/** Idempotent: revoking a revoked token changes nothing and answers the same. */
export async function revokeScimToken(deps: ScimTokenDeps, actor: Actor, id: string): Promise<void> {
  const before = await getScimToken(deps, id);
  if (before.revokedAt) return;
  const revokedAt = deps.runtime.now().toISOString();
  const after: ScimToken = { ...before, revokedAt };
  await deps.tokens.revoke(id, revokedAt, audit(deps, actor, 'scim-token.revoked', after, before, after));
}

function audit(
  deps: ScimTokenDeps,
  actor: Actor,
  action: string,
  token: ScimToken,
  before: ScimToken | null,
  after: ScimToken | null,
): AuditRecord {
  return auditChange(deps.runtime, actor, action, `scim-token:${token.id}`, before, after);
}

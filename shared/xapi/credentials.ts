/**
 * The AU's credentials (cmi5 §8.2): the launch URL's one-time fetch key is exchanged once for an auth-token,
 * which the AU then sends as `Authorization: Basic <auth-token>` on every LRS request until the session's
 * credentials expire. Only hashes are stored; every comparison is in constant time.
 */
import type { Runtime } from '../use-cases/ports.ts';
import type { LrsStore } from './ports.ts';
import {
  authToken,
  type LrsSession,
  matchesHash,
  newSecret,
  parseAuthorization,
  parseFetchKey,
  secretHash,
} from './session.ts';

export interface CredentialDeps {
  store: LrsStore;
  runtime: Runtime;
}

/** cmi5 §8.2.3.2: 1 already used or expired, 2 any other security error (an unknown key). */
export type FetchAnswer = { 'auth-token': string } | { 'error-code': '1' | '2'; 'error-text': string };

/** The fetch URL: the auth-token the first time, cmi5's error body after that or for a key we never issued. */
export async function fetchAuthToken(
  deps: CredentialDeps,
  attemptId: string,
  key: string,
): Promise<FetchAnswer> {
  const presented = parseFetchKey(key);
  const session = presented ? await deps.store.session(presented.sessionId) : undefined;
  if (
    !presented ||
    !session ||
    session.attemptId !== attemptId ||
    !matchesHash(presented.secret, session.fetchKeyHash)
  )
    return { 'error-code': '2', 'error-text': 'This fetch URL was not issued by this LMS for this attempt.' };
  const now = deps.runtime.now();
  if (session.fetchedAt !== null)
    return { 'error-code': '1', 'error-text': 'The authorization token has already been returned.' };
  if (now.getTime() >= Date.parse(session.validUntil) || session.end !== null)
    return { 'error-code': '1', 'error-text': 'The session has expired; launch the AU again.' };
  const secret = newSecret();
  const fetched = await deps.store.markFetched(
    session.id,
    session.version,
    now.toISOString(),
    secretHash(secret),
  );
  if (!fetched)
    return { 'error-code': '1', 'error-text': 'The authorization token has already been returned.' };
  return { 'auth-token': authToken(session.id, secret) };
}

/**
 * The session an `Authorization` header's auth-token belongs to, while its credentials last; undefined for
 * anything else (no header, another scheme, an unknown or expired token).
 */
export async function authenticateSession(
  deps: CredentialDeps,
  authorization: string | undefined,
): Promise<LrsSession | undefined> {
  const presented = parseAuthorization(authorization);
  const session = presented ? await deps.store.session(presented.sessionId) : undefined;
  if (!presented || !session || !matchesHash(presented.secret, session.authTokenHash)) return undefined;
  return deps.runtime.now().getTime() < Date.parse(session.validUntil) ? session : undefined;
}

/** Counts the request against the session's rate; the seconds to wait when it is over, else undefined. */
export function admitRequest(deps: CredentialDeps, session: LrsSession): Promise<number | undefined> {
  return deps.store.countRequest(session.id, deps.runtime.now());
}

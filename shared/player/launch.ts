/**
 * The player's launch link: `<content origin>/_player/index.html#attempt=<id>&token=<launch token>&api=<runtime
 * API base URL, encoded>`. The token travels in the fragment because a fragment never reaches a server: no
 * access log, proxy or `Referer` sees it (and the player removes it from the address bar at once).
 */

export interface Launch {
  readonly attemptId: string;
  /** Bearer token for `<apiBaseUrl>/attempts/<attemptId>/...`. */
  readonly token: string;
  /** Without a trailing slash, e.g. `https://api.example.com/prod`. */
  readonly apiBaseUrl: string;
}

const ATTEMPT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable ASCII without spaces, as a bearer token is (RFC 6750's b64token and more), bounded. */
const TOKEN = /^[\x21-\x7e]{1,4096}$/;
const MAX_API_URL = 2048;

/**
 * Reads a launch link's fragment, naming the first part that is missing or malformed.
 *
 * @example readLaunch('#attempt=<uuid>&token=abc&api=https%3A%2F%2Fapi.example.com')
 * // { launch: { attemptId: '<uuid>', token: 'abc', apiBaseUrl: 'https://api.example.com' } }
 */
export function readLaunch(fragment: string): { launch: Launch } | { error: string } {
  const params = fragmentParams(fragment);
  const attemptId = params.get('attempt') ?? '';
  if (!ATTEMPT_ID.test(attemptId)) return { error: 'the launch link has no valid "attempt" (an attempt id)' };
  const token = params.get('token') ?? '';
  if (!TOKEN.test(token)) return { error: 'the launch link has no valid "token" (its launch token)' };
  const api = params.get('api') ?? '';
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    return { error: 'the launch link\'s "api" is not an absolute URL' };
  }
  if (api.length > MAX_API_URL || !/^https?:$/.test(url.protocol) || url.username || url.password)
    return { error: 'the launch link\'s "api" is not an http(s) URL of the runtime API' };
  if (url.search || url.hash) return { error: 'the launch link\'s "api" must not carry a query or fragment' };
  return { launch: { attemptId, token, apiBaseUrl: url.href.replace(/\/+$/, '') } };
}

/**
 * The fragment's `name=value` pairs, values percent-decoded. Not URLSearchParams: it would read a `+` of a
 * base64 token as a space.
 */
function fragmentParams(fragment: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of fragment.replace(/^#/, '').split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 1) continue;
    try {
      params.set(pair.slice(0, equals), decodeURIComponent(pair.slice(equals + 1)));
    } catch {
      // Malformed percent-encoding: as if the part were not there, which names it.
    }
  }
  return params;
}

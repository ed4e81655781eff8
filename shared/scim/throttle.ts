/**
 * The SCIM endpoints' rate limit: one set of numbers for AWS (a WAF rate-based rule on the web ACL,
 * infra/stacks/api-stack.ts) and for the local gateway, which has no WAF (infra/local/gateway.ts). A caller
 * over the limit gets 429 with `Retry-After` and a SCIM error body (RFC 7644 §3.12), which Okta and Entra ID
 * read as "wait, then retry".
 */
import { SCIM_BASE_PATH } from '../domain/scim-token.ts';
import { SCIM_ERROR_SCHEMA, type ScimErrorBody } from './errors.ts';

export interface RateLimit {
  /** Requests one caller may make in a window; WAF's lowest limit is 10. */
  readonly requests: number;
  /** The window, in one of the lengths WAF evaluates over. */
  readonly windowSeconds: 60 | 120 | 300 | 600;
}

/**
 * 25 requests a second per caller, in one-minute windows: what Entra ID's app gallery requires a SCIM
 * endpoint to sustain per tenant. The stage's own throttling (50 requests a second) still bounds the whole
 * API.
 */
export const SCIM_RATE_LIMIT: RateLimit = { requests: 1500, windowSeconds: 60 };

/** The body of a throttled SCIM request (WAF serves it as application/json: it cannot name scim+json). */
export function scimThrottledBody(limit: RateLimit): ScimErrorBody {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: '429',
    detail: `Too many requests: at most ${limit.requests} every ${limit.windowSeconds} seconds per caller on ${SCIM_BASE_PATH}. Retry after the seconds in Retry-After.`,
  };
}

/** Whether a request path (without a stage) is a SCIM endpoint's: /scim/v2 and below. */
export function isScimPath(path: string): boolean {
  return path === SCIM_BASE_PATH || path.startsWith(`${SCIM_BASE_PATH}/`);
}

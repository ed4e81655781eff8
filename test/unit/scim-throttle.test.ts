/**
 * The SCIM endpoints' rate limit: the numbers and body AWS and the local gateway share, the local gateway's
 * fixed-window counter (on a clock of the test's own), and which paths WAF's rule counts.
 */
import { describe, expect, it } from 'vitest';
import { fixedWindowCounter } from '../../infra/local/gateway.ts';
import { SCIM_PATH_PATTERN } from '../../infra/stacks/api-stack.ts';
import { isScimPath, SCIM_RATE_LIMIT, scimThrottledBody } from '../../shared/scim/throttle.ts';

describe('the SCIM rate limit', () => {
  it('is 1500 requests a minute per caller (25 a second, what Entra ID asks a SCIM endpoint to sustain)', () => {
    expect(SCIM_RATE_LIMIT).toEqual({ requests: 1500, windowSeconds: 60 });
  });

  it('answers a SCIM error body that says the limit', () => {
    expect(scimThrottledBody({ requests: 3, windowSeconds: 60 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
      detail:
        'Too many requests: at most 3 every 60 seconds per caller on /scim/v2. Retry after the seconds in Retry-After.',
    });
  });

  it.each([
    ['/scim/v2/Users', true],
    ['/scim/v2/Groups/7d0c', true],
    ['/scim/v2', true],
    ['/scim/v2x', false],
    ['/users', false],
    ['/scim-tokens', false],
  ])('counts %s on the local gateway: %s', (path, counted) => {
    expect(isScimPath(path)).toBe(counted);
  });

  it.each([
    ['/prod/scim/v2/Users', true],
    ['/scim/v2/Users', true],
    ['/prod/scim/v2', true],
    ['/lms/scim/v2/Groups/7d0c', true],
    ['/prod/users', false],
    ['/prod/scim-tokens', false],
    ['/prod/scim/v2x/Users', false],
    ['/prod/users/scim/v2/Users', false],
  ])("counts %s in WAF's SCIM rule (and not in the per-IP rule): %s", (path, counted) => {
    expect(new RegExp(SCIM_PATH_PATTERN).test(path)).toBe(counted);
  });
});

describe("the local gateway's fixed-window counter", () => {
  it('lets each caller make the limit in a window, then answers the seconds left in it', () => {
    // Prepare: windows of 60 s start at whole minutes; the clock starts 15 s into one
    let now = Date.parse('2026-03-01T10:00:15.000Z');
    const count = fixedWindowCounter({ requests: 3, windowSeconds: 60 }, () => now);

    // Act
    const first = [count('okta'), count('okta'), count('okta')];
    const over = count('okta');
    const other = count('entra');
    now = Date.parse('2026-03-01T10:00:59.500Z');
    const nearTheEnd = count('okta');
    now = Date.parse('2026-03-01T10:01:00.000Z');
    const nextWindow = count('okta');

    // Assess
    expect(first).toEqual([undefined, undefined, undefined]);
    expect(over).toBe(45);
    expect(other).toBeUndefined();
    expect(nearTheEnd).toBe(1);
    expect(nextWindow).toBeUndefined();
  });
});

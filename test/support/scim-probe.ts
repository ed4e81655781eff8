/**
 * A stand-in SCIM endpoint for tests of the authorizer's SCIM policy: a route under /scim/v2 that admits
 * `lms/scim` (as the SCIM routes do) and answers the principal it got. It is not in the manifest; only a test
 * gateway serves it (test/integration/scim-token-gateway.test.ts).
 */
import * as z from 'zod';
import { httpHandler } from '../../shared/http/handler.ts';
import { defineRoute } from '../../shared/http/route.ts';

export const scimProbe = defineRoute({
  id: 'scimProbe',
  method: 'GET',
  path: '/scim/v2/Probe',
  handler: 'test/support/scim-probe.ts',
  summary: 'Answers the caller (tests only)',
  tag: 'Tests',
  access: { roles: [], scopes: ['lms/scim'] },
  request: {},
  response: { status: 200, description: 'The principal', body: z.object({ principal: z.unknown() }) },
  needs: {},
});

export const handler = httpHandler(scimProbe, async ({ principal }) => ({ body: { principal } }));

/** SCIM tokens: the bearer secrets identity providers' SCIM connectors send; shown once, stored as a hash. */
import {
  CreateScimTokenInput,
  ScimToken,
  ScimTokenCreated,
  ScimTokenList,
  ScimTokenParams,
} from '../domain/scim-token.ts';
import { defineRoute } from '../http/route.ts';

export const createScimToken = defineRoute({
  id: 'createScimToken',
  method: 'POST',
  path: '/scim-tokens',
  handler: 'functions/integrations/create-scim-token.ts',
  summary:
    "Create a SCIM token for an identity provider's SCIM connector (it opens /scim/v2 only); its secret is shown once",
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { body: CreateScimTokenInput },
  response: {
    status: 201,
    description: 'The token and its secret (only in this response: the LMS keeps a hash)',
    body: ScimTokenCreated,
  },
  needs: { table: 'write' },
});

export const listScimTokens = defineRoute({
  id: 'listScimTokens',
  method: 'GET',
  path: '/scim-tokens',
  handler: 'functions/integrations/list-scim-tokens.ts',
  summary: 'The SCIM tokens, newest first, with expiry, revocation and last use (never a secret)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: {},
  response: {
    status: 200,
    description: 'Every SCIM token, revoked and expired ones too',
    body: ScimTokenList,
  },
  needs: { table: 'read' },
});

export const getScimToken = defineRoute({
  id: 'getScimToken',
  method: 'GET',
  path: '/scim-tokens/{id}',
  handler: 'functions/integrations/get-scim-token.ts',
  summary: 'One SCIM token (never its secret)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ScimTokenParams },
  response: { status: 200, description: 'The token', body: ScimToken },
  needs: { table: 'read' },
});

export const revokeScimToken = defineRoute({
  id: 'revokeScimToken',
  method: 'DELETE',
  path: '/scim-tokens/{id}',
  handler: 'functions/integrations/revoke-scim-token.ts',
  summary:
    'Revoke a SCIM token: refused from its next check on (within a minute where API Gateway kept an earlier answer)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ScimTokenParams },
  response: { status: 204, description: 'Revoked (also when it already was)' },
  needs: { table: 'write' },
});

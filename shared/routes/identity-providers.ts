/** SSO identity provider routes, and the email-domain discovery a sign-in page asks first. */
import * as z from 'zod';
import {
  CreateIdentityProviderBody,
  DiscoverQuery,
  Discovery,
  IdentityProvider,
  IdentityProviderParams,
  UpdateIdentityProviderBody,
} from '../domain/identity-provider.ts';
import { defineRoute } from '../http/route.ts';

const METADATA_BODY_BYTES = 300 * 1024;

export const createIdentityProvider = defineRoute({
  id: 'createIdentityProvider',
  method: 'POST',
  path: '/identity-providers',
  handler: 'functions/identity/create-identity-provider.ts',
  summary:
    'Add a SAML 2.0 (metadata XML) or OIDC identity provider for email domains; validated, then synced to Cognito (in AWS)',
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: { body: CreateIdentityProviderBody, idempotent: true },
  response: {
    status: 201,
    description: 'The provider, its certificate expiry, warnings and sync state',
    body: IdentityProvider,
  },
  needs: { table: 'write', userPool: 'federation' },
  maxBodyBytes: METADATA_BODY_BYTES,
});

export const listIdentityProviders = defineRoute({
  id: 'listIdentityProviders',
  method: 'GET',
  path: '/identity-providers',
  handler: 'functions/identity/list-identity-providers.ts',
  summary: 'The identity providers, each with its domains and signing-certificate expiry',
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: {},
  response: {
    status: 200,
    description: 'Every provider',
    body: z.object({ items: z.array(IdentityProvider) }),
  },
  needs: { table: 'read' },
});

export const getIdentityProvider = defineRoute({
  id: 'getIdentityProvider',
  method: 'GET',
  path: '/identity-providers/{id}',
  handler: 'functions/identity/get-identity-provider.ts',
  summary: 'One identity provider',
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: { params: IdentityProviderParams },
  response: { status: 200, description: 'The provider; ETag carries the version', body: IdentityProvider },
  needs: { table: 'read' },
});

export const updateIdentityProvider = defineRoute({
  id: 'updateIdentityProvider',
  method: 'PATCH',
  path: '/identity-providers/{id}',
  handler: 'functions/identity/update-identity-provider.ts',
  summary: 'Change domains or attribute mapping, roll SAML metadata over, rotate an OIDC secret (If-Match)',
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: { params: IdentityProviderParams, body: UpdateIdentityProviderBody, ifMatch: 'required' },
  response: { status: 200, description: 'The provider', body: IdentityProvider },
  needs: { table: 'write', userPool: 'federation' },
  maxBodyBytes: METADATA_BODY_BYTES,
});

export const deleteIdentityProvider = defineRoute({
  id: 'deleteIdentityProvider',
  method: 'DELETE',
  path: '/identity-providers/{id}',
  handler: 'functions/identity/delete-identity-provider.ts',
  summary: 'Remove an identity provider (its domains sign in with email and password again)',
  tag: 'Identity',
  access: { roles: ['admin'] },
  request: { params: IdentityProviderParams },
  response: { status: 204, description: 'Removed' },
  needs: { table: 'write', userPool: 'federation' },
});

export const discoverIdentityProvider = defineRoute({
  id: 'discoverIdentityProvider',
  method: 'GET',
  path: '/auth/discover',
  handler: 'functions/identity/discover-identity-provider.ts',
  summary: 'Which identity provider an email signs in through, and the hosted sign-in URL that goes to it',
  tag: 'Identity',
  access: { public: true },
  request: { query: DiscoverQuery },
  response: { status: 200, description: 'The provider, or none', body: Discovery },
  needs: { table: 'read', hostedUi: true },
});

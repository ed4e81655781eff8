/** Machine clients for HRIS/CRM integrations: OAuth 2.0 client credentials with scopes, secrets shown once. */
import {
  ApiClient,
  ApiClientCreated,
  ApiClientList,
  ApiClientParams,
  ApiClientSecretParams,
  CreateApiClientInput,
  SecretIssued,
  UpdateApiClientInput,
} from '../domain/api-client.ts';
import { defineRoute } from '../http/route.ts';

export const createApiClient = defineRoute({
  id: 'createApiClient',
  method: 'POST',
  path: '/api-clients',
  handler: 'functions/integrations/create-api-client.ts',
  summary: 'Create a machine client (client-credentials grant) with scopes; its secret is shown once',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { body: CreateApiClientInput },
  response: {
    status: 201,
    description: 'The client, its secret (only in this response) and the token URL',
    body: ApiClientCreated,
  },
  needs: { table: 'write', userPool: 'clients' },
});

export const listApiClients = defineRoute({
  id: 'listApiClients',
  method: 'GET',
  path: '/api-clients',
  handler: 'functions/integrations/list-api-clients.ts',
  summary: 'The machine clients, their scopes and active secrets (without values)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: {},
  response: { status: 200, description: 'Every machine client, by name', body: ApiClientList },
  needs: { table: 'read' },
});

export const getApiClient = defineRoute({
  id: 'getApiClient',
  method: 'GET',
  path: '/api-clients/{clientId}',
  handler: 'functions/integrations/get-api-client.ts',
  summary: 'One machine client',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ApiClientParams },
  response: { status: 200, description: 'The client; ETag carries the version', body: ApiClient },
  needs: { table: 'read' },
});

export const updateApiClient = defineRoute({
  id: 'updateApiClient',
  method: 'PATCH',
  path: '/api-clients/{clientId}',
  handler: 'functions/integrations/update-api-client.ts',
  summary: "Change a machine client's scopes or description (its next token carries the new scopes)",
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ApiClientParams, body: UpdateApiClientInput, ifMatch: 'required' },
  response: { status: 200, description: 'The client', body: ApiClient },
  needs: { table: 'write', userPool: 'clients' },
});

export const issueApiClientSecret = defineRoute({
  id: 'issueApiClientSecret',
  method: 'POST',
  path: '/api-clients/{clientId}/secrets',
  handler: 'functions/integrations/issue-api-client-secret.ts',
  summary: 'Rotate, step one: a second secret, valid at once beside the current one (shown once)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ApiClientParams, ifMatch: 'optional' },
  response: { status: 201, description: 'The client and its new secret', body: SecretIssued },
  needs: { table: 'write', userPool: 'clients' },
});

export const retireApiClientSecret = defineRoute({
  id: 'retireApiClientSecret',
  method: 'DELETE',
  path: '/api-clients/{clientId}/secrets/{secretId}',
  handler: 'functions/integrations/retire-api-client-secret.ts',
  summary: 'Rotate, step two: the old secret stops working (the last one cannot: revoke the client)',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ApiClientSecretParams, ifMatch: 'optional' },
  response: { status: 200, description: 'The client with its remaining secret', body: ApiClient },
  needs: { table: 'write', userPool: 'clients' },
});

export const revokeApiClient = defineRoute({
  id: 'revokeApiClient',
  method: 'DELETE',
  path: '/api-clients/{clientId}',
  handler: 'functions/integrations/revoke-api-client.ts',
  summary: 'Revoke a machine client: no new tokens, and tokens already issued are refused within a minute',
  tag: 'Integrations',
  access: { roles: ['admin'] },
  request: { params: ApiClientParams, ifMatch: 'optional' },
  response: { status: 204, description: 'Revoked' },
  needs: { table: 'write', userPool: 'clients' },
});

/**
 * The OpenAPI 3.1 document, generated from the route manifest and its zod schemas (zod's own JSON Schema
 * output: OpenAPI 3.1 uses JSON Schema 2020-12). Never written by hand; `npm run docs` writes it to
 * docs/openapi.json and docs/api.md, and a test fails when those are stale.
 */

import * as z from 'zod';
import { API_SCOPES } from '../domain/api-scopes.ts';
import { Problem } from '../domain/common.ts';
import type { RouteDefinition } from './route.ts';

type JsonSchema = Record<string, unknown>;

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input; `errors` names each field',
  '401': 'No valid bearer token',
  '403': 'Your role or scope does not allow this',
  '404': 'Not found',
  '409': 'Conflicts with existing state (duplicate, not empty)',
  '412': 'If-Match names a stale version',
  '413': 'Body too large',
  '415': 'Body is not application/json',
  '422': 'Breaks a business rule',
  '428': 'If-Match is required',
  '500': 'Unexpected error; quote the request id',
};

/** SCIM routes answer RFC 7644 §3.12 error bodies; `scimType` says what was wrong. */
const SCIM_ERROR_RESPONSES: Record<string, string> = {
  '400':
    'scimType invalidSyntax, invalidValue, invalidFilter, invalidPath, mutability, noTarget or tooMany; detail names the attribute',
  '401': 'No valid bearer token',
  '403': 'The token does not hold the lms/scim scope',
  '404': 'No such resource (a User the identity provider deleted included)',
  '409': 'scimType uniqueness: another resource holds the value',
  '412': 'If-Match names a stale version',
  '413': 'Body too large',
  '415': 'Body is neither application/scim+json nor application/json',
  '500': 'Unexpected error; quote the request id in the detail',
};

/** RFC 7644 §3.12. */
const SCIM_ERROR: JsonSchema = {
  type: 'object',
  properties: {
    schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:Error' } },
    status: { type: 'string', description: 'The HTTP status, as a string' },
    scimType: { type: 'string' },
    detail: { type: 'string' },
  },
  required: ['schemas', 'status', 'detail'],
};

export function buildOpenApi(routes: readonly RouteDefinition[], version = '0.1.0'): JsonSchema {
  const components: Record<string, JsonSchema> = {
    Problem: toSchema(Problem, 'output', {}),
    ...(routes.some((route) => route.protocol === 'scim') ? { ScimError: SCIM_ERROR } : {}),
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.tag],
      security: 'public' in route.access ? [] : security(route.access.scopes ?? []),
      'x-lms-access':
        'public' in route.access
          ? 'public'
          : { roles: route.access.roles, scopes: route.access.scopes ?? [] },
      parameters: [
        ...parameters(route.request.params, 'path', components),
        ...parameters(route.request.query, 'query', components),
        ...(route.request.ifMatch
          ? [
              {
                name: 'If-Match',
                in: 'header',
                required: route.request.ifMatch === 'required',
                schema: { type: 'string' },
              },
            ]
          : []),
      ],
      responses: responses(route, components),
    };
    if (route.request.body) {
      const schema = toSchema(route.request.body, 'input', components);
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(bodyTypes(route).map((type) => [type, { schema }])),
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'LMS administration API',
      version,
      description:
        'Administer a learning platform: people, departments, and (coming) catalog, enrollment, reporting. ' +
        'Errors are application/problem+json (RFC 9457). Lists use cursor pagination (`limit`, `cursor`, `nextCursor`). ' +
        'Reads return an ETag; updates take If-Match.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'People: the Cognito ID token of the web client (the roles are its groups).',
        },
        machineClient: {
          type: 'oauth2',
          description:
            'Machine clients (POST /api-clients): a client-credentials access token from the user pool token endpoint (`tokenUrl` in the create response).',
          flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: { ...API_SCOPES } } },
        },
      },
    },
  };
}

/** People with an ID token; machine clients with an access token holding one of the route's scopes. */
function security(scopes: readonly string[]) {
  return scopes.length > 0 ? [{ cognito: [] }, { machineClient: [...scopes] }] : [{ cognito: [] }];
}

/** What a route's body may be sent as; the first is what it answers in. */
function bodyTypes(route: RouteDefinition): string[] {
  if (route.rawBody) return ['*/*'];
  return route.protocol === 'scim' ? ['application/scim+json', 'application/json'] : ['application/json'];
}

function responses(route: RouteDefinition, components: Record<string, JsonSchema>) {
  const success: Record<string, unknown> = { description: route.response.description };
  const [type] = bodyTypes(route);
  if (route.response.body) {
    success.content = { [`${type}`]: { schema: toSchema(route.response.body, 'output', components) } };
  } else if (route.path === '/openapi.json') {
    success.content = { 'application/json': { schema: { type: 'object' } } };
  }
  const scim = route.protocol === 'scim';
  const problem = scim
    ? { content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } } }
    : { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  const errors = Object.entries(scim ? SCIM_ERROR_RESPONSES : ERROR_RESPONSES).filter(([status]) =>
    applies(route, status),
  );
  return {
    [String(route.response.status)]: success,
    ...Object.fromEntries(errors.map(([status, description]) => [status, { description, ...problem }])),
  };
}

function applies(route: RouteDefinition, status: string): boolean {
  const open = 'public' in route.access;
  switch (status) {
    case '401':
    case '403':
      return !open;
    case '404':
      return route.request.params !== undefined;
    case '409':
    case '422':
      return route.method !== 'GET';
    case '412':
      return route.request.ifMatch !== undefined;
    case '428':
      return route.request.ifMatch === 'required';
    case '413':
    case '415':
      return route.request.body !== undefined;
    default:
      return true;
  }
}

function parameters(
  schema: z.ZodObject | undefined,
  location: 'path' | 'query',
  components: Record<string, JsonSchema>,
) {
  if (!schema) return [];
  const json = toSchema(schema, 'input', components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** zod -> JSON Schema 2020-12, moving named schemas (`.meta({ id })`) into components. */
function toSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
  const {
    $schema: _,
    $defs,
    id,
    ...rest
  } = JSON.parse(text) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, definition] of Object.entries($defs ?? {})) components[name] ??= definition;
  // A top-level named schema becomes a reference to its component.
  if (typeof id === 'string') {
    components[id] ??= rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
}

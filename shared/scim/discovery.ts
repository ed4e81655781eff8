/**
 * Discovery (RFC 7644 §4): ServiceProviderConfig (RFC 7643 §5), ResourceTypes (§6) and Schemas (§7), rendered
 * from the attribute definitions filters and PATCH use (schema.ts), so what a client discovers is what the
 * server does.
 */
import { MAX_RESULTS } from './list.ts';
import {
  GROUP_RESOURCE_TYPE,
  type ScimAttribute,
  type ScimResource,
  type ScimResourceType,
  type ScimSchema,
  USER_RESOURCE_TYPE,
} from './schema.ts';

export const RESOURCE_TYPES: readonly ScimResourceType[] = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE];

export const SCHEMAS: readonly ScimSchema[] = [
  ...new Map(
    RESOURCE_TYPES.flatMap((type) => [type.schema, ...type.schemaExtensions.map(({ schema }) => schema)]).map(
      (schema) => [schema.id, schema],
    ),
  ).values(),
];

const CORE = 'urn:ietf:params:scim:schemas:core:2.0';

/** What the server supports (RFC 7643 §5); `base` is the absolute URL of `/scim/v2`. */
export function serviceProviderConfig(base: string): ScimResource {
  return {
    schemas: [`${CORE}:ServiceProviderConfig`],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'A SCIM token an LMS administrator creates (POST /scim-tokens), or a client-credentials access token holding the lms/scim scope, sent as a bearer token.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

/** A resource type (RFC 7643 §6). */
export function scimResourceType(type: ScimResourceType, base: string): ScimResource {
  return {
    schemas: [`${CORE}:ResourceType`],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.schemaExtensions.map(({ schema, required }) => ({ schema: schema.id, required })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${type.name}` },
  };
}

/** A schema (RFC 7643 §7): its own attributes; `id`, `externalId` and `meta` belong to every resource. */
export function scimSchema(schema: ScimSchema, base: string): ScimResource {
  return {
    schemas: [`${CORE}:Schema`],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDefinition),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  };
}

function attributeDefinition(attribute: ScimAttribute): Record<string, unknown> {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    ...(attribute.canonicalValues ? { canonicalValues: attribute.canonicalValues } : {}),
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.referenceTypes ? { referenceTypes: attribute.referenceTypes } : {}),
    ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(attributeDefinition) } : {}),
  };
}

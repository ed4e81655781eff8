/**
 * SCIM 2.0 routes (RFC 7644) at /scim/v2, for identity providers (Okta, Microsoft Entra ID): discovery,
 * Users (the LMS's people) and Groups (its static cohorts). They speak SCIM (`protocol: 'scim'`): SCIM error
 * bodies, application/scim+json, weak ETags. Callers hold the `lms/scim` scope (a machine client, or a SCIM
 * token the authorizer turns into one); no person's role opens them.
 */
import * as z from 'zod';
import { defineRoute } from '../http/route.ts';
import { ScimListQuery, ScimProjectionQuery } from '../scim/list.ts';

const access = { roles: [], scopes: ['lms/scim'] } as const;

/** Bodies are read by the SCIM code itself, so a refusal is a SCIM error naming the attribute. */
const ScimBody = z.record(z.string(), z.unknown());
const ScimUser = ScimBody.describe(
  'A SCIM User (RFC 7643 §4.1) with the enterprise extension (§4.3): the attributes GET /scim/v2/Schemas lists',
).meta({ id: 'ScimUser' });
const ScimGroup = ScimBody.describe(
  'A SCIM Group (RFC 7643 §4.2): displayName, externalId, members ({ value: <user id> })',
).meta({ id: 'ScimGroup' });
const ScimPatch = ScimBody.describe(
  'A PatchOp message (RFC 7644 §3.5.2): schemas ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] and Operations',
).meta({ id: 'ScimPatchOp' });
const ScimList = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    startIndex: z.number().int(),
    itemsPerPage: z.number().int(),
    Resources: z.array(ScimBody),
  })
  .meta({ id: 'ScimListResponse' });
const ScimId = z.strictObject({ id: z.string().min(1).max(300) });

/** Members come in pages of PATCHes; a body holds up to a thousand of them, with room. */
const GROUP_BODY_BYTES = 2 * 1024 * 1024;

export const getScimServiceProviderConfig = defineRoute({
  id: 'getScimServiceProviderConfig',
  method: 'GET',
  path: '/scim/v2/ServiceProviderConfig',
  handler: 'functions/scim/get-service-provider-config.ts',
  summary:
    'What this SCIM server supports (RFC 7643 §5): PATCH, filters, ETags; no bulk, sort or password change',
  tag: 'SCIM',
  access,
  request: {},
  response: { status: 200, description: 'The service provider configuration', body: ScimBody },
  needs: {},
  protocol: 'scim',
});

export const listScimResourceTypes = defineRoute({
  id: 'listScimResourceTypes',
  method: 'GET',
  path: '/scim/v2/ResourceTypes',
  handler: 'functions/scim/list-resource-types.ts',
  summary: 'The SCIM resource types (RFC 7643 §6): User (with the enterprise extension) and Group',
  tag: 'SCIM',
  access,
  request: {},
  response: { status: 200, description: 'A ListResponse of resource types', body: ScimList },
  needs: {},
  protocol: 'scim',
});

export const getScimResourceType = defineRoute({
  id: 'getScimResourceType',
  method: 'GET',
  path: '/scim/v2/ResourceTypes/{id}',
  handler: 'functions/scim/get-resource-type.ts',
  summary: 'One SCIM resource type, by name (User, Group)',
  tag: 'SCIM',
  access,
  request: { params: ScimId },
  response: { status: 200, description: 'The resource type', body: ScimBody },
  needs: {},
  protocol: 'scim',
});

export const listScimSchemas = defineRoute({
  id: 'listScimSchemas',
  method: 'GET',
  path: '/scim/v2/Schemas',
  handler: 'functions/scim/list-schemas.ts',
  summary:
    'The SCIM schemas (RFC 7643 §7) and every attribute the LMS keeps, with its mutability, returned and uniqueness',
  tag: 'SCIM',
  access,
  request: {},
  response: { status: 200, description: 'A ListResponse of schemas', body: ScimList },
  needs: {},
  protocol: 'scim',
});

export const getScimSchema = defineRoute({
  id: 'getScimSchema',
  method: 'GET',
  path: '/scim/v2/Schemas/{id}',
  handler: 'functions/scim/get-schema.ts',
  summary: 'One SCIM schema, by URN',
  tag: 'SCIM',
  access,
  request: { params: ScimId },
  response: { status: 200, description: 'The schema', body: ScimBody },
  needs: {},
  protocol: 'scim',
});

export const createScimUser = defineRoute({
  id: 'createScimUser',
  method: 'POST',
  path: '/scim/v2/Users',
  handler: 'functions/scim/create-scim-user.ts',
  summary:
    'Provision a person (userName unique without regard to case; emails, name required; their login is linked at their first sign-in); a person the identity provider deleted comes back under their userName',
  tag: 'SCIM',
  access,
  request: { query: ScimProjectionQuery, body: ScimUser },
  response: { status: 201, description: 'Created; Location and ETag name it', body: ScimUser },
  // A returning person whose profile was reactivated meanwhile, sent inactive, is suspended and signed out.
  needs: { table: 'write', userPool: 'sign-out' },
  protocol: 'scim',
});

export const listScimUsers = defineRoute({
  id: 'listScimUsers',
  method: 'GET',
  path: '/scim/v2/Users',
  handler: 'functions/scim/list-scim-users.ts',
  summary:
    'Find people with a filter (userName, externalId and emails.value eq by index), startIndex and count (at most 200)',
  tag: 'SCIM',
  access,
  request: { query: ScimListQuery },
  response: { status: 200, description: 'A ListResponse; none found is totalResults 0', body: ScimList },
  needs: { table: 'read' },
  protocol: 'scim',
});

export const getScimUser = defineRoute({
  id: 'getScimUser',
  method: 'GET',
  path: '/scim/v2/Users/{id}',
  handler: 'functions/scim/get-scim-user.ts',
  summary: 'Read a person as a SCIM User (404 once the identity provider deleted them)',
  tag: 'SCIM',
  access,
  request: { params: ScimId, query: ScimProjectionQuery },
  response: { status: 200, description: 'The User; ETag carries its version', body: ScimUser },
  needs: { table: 'read' },
  protocol: 'scim',
});

export const replaceScimUser = defineRoute({
  id: 'replaceScimUser',
  method: 'PUT',
  path: '/scim/v2/Users/{id}',
  handler: 'functions/scim/replace-scim-user.ts',
  summary:
    'Replace what SCIM says about a person (active false suspends and signs them out); If-Match, when sent, must name the current version',
  tag: 'SCIM',
  access,
  request: { params: ScimId, query: ScimProjectionQuery, body: ScimUser, ifMatch: 'optional' },
  response: { status: 200, description: 'The User after the change', body: ScimUser },
  needs: { table: 'write', userPool: 'sign-out' },
  protocol: 'scim',
});

export const patchScimUser = defineRoute({
  id: 'patchScimUser',
  method: 'PATCH',
  path: '/scim/v2/Users/{id}',
  handler: 'functions/scim/patch-scim-user.ts',
  summary:
    'Change a person with PATCH operations (add, replace, remove; as Okta and Entra ID send them), all or nothing',
  tag: 'SCIM',
  access,
  request: { params: ScimId, query: ScimProjectionQuery, body: ScimPatch, ifMatch: 'optional' },
  response: { status: 200, description: 'The User after the change', body: ScimUser },
  needs: { table: 'write', userPool: 'sign-out' },
  protocol: 'scim',
});

export const deleteScimUser = defineRoute({
  id: 'deleteScimUser',
  method: 'DELETE',
  path: '/scim/v2/Users/{id}',
  handler: 'functions/scim/delete-scim-user.ts',
  summary:
    'Deprovision a person: suspended and signed out, every record kept (compliance); later GETs answer 404',
  tag: 'SCIM',
  access,
  request: { params: ScimId, ifMatch: 'optional' },
  response: { status: 204, description: 'Deprovisioned' },
  needs: { table: 'write', userPool: 'sign-out' },
  protocol: 'scim',
});

export const createScimGroup = defineRoute({
  id: 'createScimGroup',
  method: 'POST',
  path: '/scim/v2/Groups',
  handler: 'functions/scim/create-scim-group.ts',
  summary:
    'Provision a group as a static cohort (displayName unique without regard to case), with up to 1,000 members',
  tag: 'SCIM',
  access,
  request: { query: ScimProjectionQuery, body: ScimGroup },
  response: { status: 201, description: 'Created; Location and ETag name it', body: ScimGroup },
  needs: { table: 'write' },
  protocol: 'scim',
  maxBodyBytes: GROUP_BODY_BYTES,
  timeoutSeconds: 29,
});

export const listScimGroups = defineRoute({
  id: 'listScimGroups',
  method: 'GET',
  path: '/scim/v2/Groups',
  handler: 'functions/scim/list-scim-groups.ts',
  summary:
    'Find groups (static cohorts) with a filter (displayName, externalId, members[value eq] by index); excludedAttributes=members reads no member',
  tag: 'SCIM',
  access,
  request: { query: ScimListQuery },
  response: { status: 200, description: 'A ListResponse; none found is totalResults 0', body: ScimList },
  needs: { table: 'read' },
  protocol: 'scim',
  timeoutSeconds: 29,
});

export const getScimGroup = defineRoute({
  id: 'getScimGroup',
  method: 'GET',
  path: '/scim/v2/Groups/{id}',
  handler: 'functions/scim/get-scim-group.ts',
  summary: 'Read a group; excludedAttributes=members (as Okta and Entra ID ask) reads no member',
  tag: 'SCIM',
  access,
  request: { params: ScimId, query: ScimProjectionQuery },
  response: { status: 200, description: 'The Group; ETag carries its version', body: ScimGroup },
  needs: { table: 'read' },
  protocol: 'scim',
  timeoutSeconds: 29,
});

export const replaceScimGroup = defineRoute({
  id: 'replaceScimGroup',
  method: 'PUT',
  path: '/scim/v2/Groups/{id}',
  handler: 'functions/scim/replace-scim-group.ts',
  summary:
    'Replace a group: name, external id and members (joiners enrolled in its linked courses through cohort sync; at most 1,000 changed)',
  tag: 'SCIM',
  access,
  request: { params: ScimId, query: ScimProjectionQuery, body: ScimGroup, ifMatch: 'optional' },
  response: { status: 200, description: 'The Group after the change', body: ScimGroup },
  needs: { table: 'write' },
  protocol: 'scim',
  maxBodyBytes: GROUP_BODY_BYTES,
  timeoutSeconds: 29,
});

export const patchScimGroup = defineRoute({
  id: 'patchScimGroup',
  method: 'PATCH',
  path: '/scim/v2/Groups/{id}',
  handler: 'functions/scim/patch-scim-group.ts',
  summary:
    'Rename a group or add and remove members (at most 1,000 a request, else tooMany), reading only the members named; 204',
  tag: 'SCIM',
  access,
  request: { params: ScimId, body: ScimPatch, ifMatch: 'optional' },
  response: { status: 204, description: 'Changed; ETag carries the version' },
  needs: { table: 'write' },
  protocol: 'scim',
  maxBodyBytes: GROUP_BODY_BYTES,
  timeoutSeconds: 29,
});

export const deleteScimGroup = defineRoute({
  id: 'deleteScimGroup',
  method: 'DELETE',
  path: '/scim/v2/Groups/{id}',
  handler: 'functions/scim/delete-scim-group.ts',
  summary:
    'Delete a group: its cohort is unlinked from its courses (enrollments stay), emptied and deleted; refused while a rule cohort names it',
  tag: 'SCIM',
  access,
  request: { params: ScimId, ifMatch: 'optional' },
  response: { status: 204, description: 'Deleted' },
  needs: { table: 'write' },
  protocol: 'scim',
  timeoutSeconds: 29,
});

export const scimRoutes = [
  getScimServiceProviderConfig,
  listScimResourceTypes,
  getScimResourceType,
  listScimSchemas,
  getScimSchema,
  createScimUser,
  listScimUsers,
  getScimUser,
  replaceScimUser,
  patchScimUser,
  deleteScimUser,
  createScimGroup,
  listScimGroups,
  getScimGroup,
  replaceScimGroup,
  patchScimGroup,
  deleteScimGroup,
] as const;

/**
 * A resource as a client sends it in a POST or PUT body (RFC 7644 §3.3, §3.5.1), read against the resource
 * type's schemas: attribute names in any case (RFC 7643 §2.1), values of the types the schemas say (Entra ID's
 * `"True"`/`"False"` read as booleans, as PATCH reads them), read-only attributes ignored (§3.3: `id`,
 * `meta`, Okta's `"groups": []`), and the attributes of the RFC's own schemas that the LMS does not keep
 * (Okta's `password` and `locale`, Entra ID's `roles`, `addresses`, `phoneNumbers`) ignored too, as they have
 * nowhere to go. Anything else is refused: an attribute no schema defines, a schema URN the resource type
 * does not have, a value of the wrong type, a required attribute missing.
 *
 * The result is the resource in canonical form (the schemas' attribute names, extension attributes under
 * their URN), the same shape the LMS renders, so a PUT, a POST and a PATCH end in one mapping.
 */
import { ScimError } from './errors.ts';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  type ScimAttribute,
  type ScimResourceType,
  type ScimSchema,
  scimInstant,
  USER_SCHEMA,
} from './schema.ts';

/**
 * Attributes RFC 7643 defines (§4.1, §4.3) that the LMS does not keep: accepted in a POST or PUT and
 * dropped. A PATCH naming one is refused (`invalidPath`), as /Schemas does not list it.
 */
const NOT_KEPT: Record<string, readonly string[]> = {
  [USER_SCHEMA]: [
    'nickName',
    'profileUrl',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'password',
    'phoneNumbers',
    'ims',
    'photos',
    'addresses',
    'groups',
    'entitlements',
    'roles',
    'x509Certificates',
    'name.middleName',
    'name.honorificPrefix',
    'name.honorificSuffix',
  ],
  [ENTERPRISE_USER_SCHEMA]: ['division'],
  [GROUP_SCHEMA]: [],
};

/**
 * Schema URNs a client may list without the LMS knowing them, because they carry no attributes: Entra ID's
 * Create Group sends this one beside the core schema.
 */
const CARRYING_NOTHING = ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'];

/**
 * Reads a POST or PUT body as a resource of `resourceType`.
 *
 * @example
 * readScimResource({ schemas: [USER_SCHEMA], UserName: 'bjensen', password: 'x', active: 'True' }, USER_RESOURCE_TYPE)
 * // { schemas: [USER_SCHEMA], userName: 'bjensen', active: true }
 * @throws {ScimError} 400: `invalidSyntax` (not an object, `schemas` without the core schema or with one the
 * resource type does not have, an attribute no schema defines), `invalidValue` (a value of the wrong type, a
 * required attribute missing); the detail names the attribute.
 */
export function readScimResource(body: unknown, resourceType: ScimResourceType): Record<string, unknown> {
  if (!isObject(body)) throw invalidSyntax(`A ${resourceType.name} is a JSON object.`);
  const extensions = resourceType.schemaExtensions.map(({ schema }) => schema);
  const schemas = readSchemas(body.schemas, resourceType, extensions);
  const resource: Record<string, unknown> = { schemas };
  const core = [...COMMON_ATTRIBUTES, ...resourceType.schema.attributes];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas') continue;
    const extension = extensions.find((schema) => sameName(schema.id, key));
    if (extension) {
      const attributes = readAttributes(value, extension, extension.attributes, key);
      if (Object.keys(attributes).length > 0) resource[extension.id] = attributes;
      continue;
    }
    if (key.toLowerCase().startsWith('urn:')) throw unknownSchema(key, resourceType, extensions);
    Object.assign(resource, readAttributes({ [key]: value }, resourceType.schema, core, ''));
  }
  for (const definition of resourceType.schema.attributes) {
    if (definition.required && !assigned(resource[definition.name])) {
      throw invalidValue(`${definition.name} is required.`);
    }
  }
  const present = extensions.filter((schema) => resource[schema.id] !== undefined).map(({ id }) => id);
  resource.schemas = [resourceType.schema.id, ...present];
  return resource;
}

function readSchemas(raw: unknown, resourceType: ScimResourceType, extensions: readonly ScimSchema[]) {
  const core = resourceType.schema.id;
  if (!Array.isArray(raw) || !raw.some((urn) => typeof urn === 'string' && sameName(urn, core))) {
    throw invalidSyntax(`schemas must list "${core}", not ${describe(raw, 300)}.`);
  }
  for (const urn of raw) {
    if (typeof urn !== 'string') throw invalidSyntax(`schemas lists ${describe(urn)}, not a URN.`);
    const known =
      sameName(urn, core) ||
      extensions.some((schema) => sameName(schema.id, urn)) ||
      CARRYING_NOTHING.some((ignored) => sameName(ignored, urn));
    if (!known) throw unknownSchema(urn, resourceType, extensions);
  }
  return raw;
}

/** The attributes of `source` (an object) that `definitions` define, read by their definitions. */
function readAttributes(
  source: unknown,
  schema: ScimSchema,
  definitions: readonly ScimAttribute[],
  at: string,
): Record<string, unknown> {
  if (!isObject(source))
    throw invalidValue(`${at} is an object of ${schema.name} attributes, not ${describe(source)}.`);
  const read: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const path = at === '' ? key : `${at}:${key}`;
    const definition = definitions.find((candidate) => sameName(candidate.name, key));
    if (!definition) {
      if (notKept(schema.id, key)) continue;
      throw invalidSyntax(`Unknown attribute "${path}": /Schemas lists the attributes there are.`);
    }
    // RFC 7644 §3.3: "attributes whose mutability is "readOnly" … SHALL be ignored".
    if (definition.mutability === 'readOnly') continue;
    const attribute = readValue(
      value,
      definition,
      schema.id,
      at === '' ? definition.name : `${at}:${definition.name}`,
    );
    if (attribute !== undefined) read[definition.name] = attribute;
  }
  return read;
}

/** A value by its definition; undefined when unassigned (null, an empty list). */
function readValue(value: unknown, definition: ScimAttribute, schema: string, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.multiValued) {
    if (!Array.isArray(value)) throw invalidValue(`${path} is a list, not ${describe(value)}.`);
    const elements = value.flatMap((element, index) => {
      const read = readSingle(element, definition, schema, `${path}[${index}]`);
      return read === undefined ? [] : [read];
    });
    return elements.length > 0 ? elements : undefined;
  }
  return readSingle(value, definition, schema, path);
}

function readSingle(value: unknown, definition: ScimAttribute, schema: string, path: string): unknown {
  if (value === null) return undefined;
  if (definition.type === 'complex') {
    if (!isObject(value)) throw invalidValue(`${path} is an object, not ${describe(value)}.`);
    const read: Record<string, unknown> = {};
    for (const [key, subValue] of Object.entries(value)) {
      const sub = definition.subAttributes?.find((candidate) => sameName(candidate.name, key));
      if (!sub) {
        if (notKept(schema, `${definition.name}.${key}`)) continue;
        const names = (definition.subAttributes ?? []).map(({ name }) => name).join(', ');
        throw invalidSyntax(`Unknown sub-attribute "${key}" of ${path}: it has ${names}.`);
      }
      if (sub.mutability === 'readOnly') continue;
      const subRead = readSingle(subValue, sub, schema, `${path}.${sub.name}`);
      if (subRead !== undefined) read[sub.name] = subRead;
    }
    return Object.keys(read).length > 0 ? read : undefined;
  }
  if (definition.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    // Entra ID writes booleans as "True"/"False" (see patch.ts).
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw invalidValue(`${path} is a boolean (true or false), not ${describe(value)}.`);
  }
  if (typeof value !== 'string')
    throw invalidValue(`${path} is a ${definition.type}, not ${describe(value)}.`);
  if (definition.type === 'dateTime' && scimInstant(value) === undefined) {
    throw invalidValue(`${path} is a dateTime like 2011-05-13T04:42:34Z, not ${describe(value)}.`);
  }
  return value;
}

function notKept(schema: string, path: string): boolean {
  return (NOT_KEPT[schema] ?? []).some((name) => sameName(name, path));
}

function unknownSchema(urn: string, resourceType: ScimResourceType, extensions: readonly ScimSchema[]) {
  const known = [resourceType.schema.id, ...extensions.map(({ id }) => id)].join(', ');
  return invalidSyntax(`Unknown schema "${urn}": a ${resourceType.name} has ${known}.`);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assigned(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function describe(value: unknown, max = 60): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > max ? `${json.slice(0, max)}…` : json;
}

function invalidSyntax(detail: string): ScimError {
  return new ScimError(400, 'invalidSyntax', detail);
}

function invalidValue(detail: string): ScimError {
  return new ScimError(400, 'invalidValue', detail);
}

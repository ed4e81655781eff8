/**
 * The SCIM resources the LMS serves, described once as RFC 7643 §7 attribute definitions: Users (the core
 * User schema and the enterprise extension) and Groups. Filters take the attributes they may test from here,
 * PATCH the attributes that exist and their mutability, and `/Schemas` renders the same definitions, so the
 * three cannot disagree.
 *
 * Only the attributes the LMS keeps are defined: a client that writes another one (`nickName`,
 * `phoneNumbers`) is told so instead of seeing it silently dropped.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A SCIM resource as JSON: core attributes at the top, an extension's attributes under its schema URN. */
export type ScimResource = Readonly<Record<string, unknown>>;

/** The RFC 7643 §2.3 data types the LMS's attributes use. */
export type ScimAttributeType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';

/** RFC 7643 §7 attribute characteristics. */
export interface ScimAttribute {
  readonly name: string;
  readonly type: ScimAttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  /** Whether string comparisons (filters, duplicates) respect case. */
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly ScimAttribute[];
}

export interface ScimSchema {
  /** The schema URN. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly ScimAttribute[];
}

/** RFC 7643 §6: a resource type, its core schema and its extensions. */
export interface ScimResourceType {
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: ScimSchema;
  readonly schemaExtensions: readonly { readonly schema: ScimSchema; readonly required: boolean }[];
}

/** An attribute or sub-attribute of a resource type, with where it sits in the resource's JSON. */
export interface ScimAttributeRef {
  /** The URN of the schema that defines it (the core schema for the common attributes). */
  readonly schema: string;
  /** True when the attribute sits under its schema's URN in the JSON (an extension attribute). */
  readonly extension: boolean;
  readonly attribute: ScimAttribute;
  /** Set for `name.givenName`, `emails.value`. */
  readonly subAttribute?: ScimAttribute;
  /** How the attribute is written: `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`. */
  readonly path: string;
}

/** The definition a filter compares with or a PATCH writes: the sub-attribute when there is one. */
export function targetOf(ref: ScimAttributeRef): ScimAttribute {
  return ref.subAttribute ?? ref.attribute;
}

/** RFC 7643 §2.2 defaults, so each definition states only what differs. */
function attribute(
  name: string,
  type: ScimAttributeType,
  description: string,
  characteristics: Partial<Omit<ScimAttribute, 'name' | 'type' | 'description'>> = {},
): ScimAttribute {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...characteristics,
  };
}

/**
 * RFC 7643 §3.1: `id`, `externalId` and `meta` belong to every resource but to no schema. `externalId` is
 * unique here (unlike the RFC's default): the LMS finds people by it, so two people may not share one.
 */
export const COMMON_ATTRIBUTES: readonly ScimAttribute[] = [
  attribute('id', 'string', 'The LMS identifier of the resource.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', "The identity provider's identifier of the resource.", {
    caseExact: true,
    uniqueness: 'server',
  }),
  attribute('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', 'User or Group.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', 'When the resource was created.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'When the resource last changed.', { mutability: 'readOnly' }),
      attribute('location', 'reference', 'The URI of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attribute('version', 'string', 'The ETag of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
  }),
];

export const USER_CORE_SCHEMA: ScimSchema = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'A person of the LMS.',
  attributes: [
    attribute('userName', 'string', 'The name the person signs in with, unique without regard to case.', {
      required: true,
      uniqueness: 'server',
    }),
    attribute('name', 'complex', "The person's name.", {
      subAttributes: [
        attribute(
          'formatted',
          'string',
          'The full name: shown as the given and family names; a value sent is not kept.',
        ),
        attribute('familyName', 'string', 'The family name.'),
        attribute('givenName', 'string', 'The given name.'),
      ],
    }),
    attribute('displayName', 'string', 'The name shown for the person.'),
    attribute('title', 'string', 'The job title.'),
    attribute('active', 'boolean', 'False suspends the person and signs them out.'),
    attribute(
      'emails',
      'complex',
      'Email addresses; the LMS keeps one (the primary, else the work one, else the first) and shows it as the primary work address.',
      {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string', 'The email address.'),
          attribute('display', 'string', 'A label for the address; not kept.'),
          attribute('type', 'string', 'The kind of address.', { canonicalValues: ['work', 'home', 'other'] }),
          attribute('primary', 'boolean', 'True for the address the LMS writes to.'),
        ],
      },
    ),
  ],
};

export const ENTERPRISE_USER_EXTENSION: ScimSchema = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User (RFC 7643 §4.3).',
  attributes: [
    attribute('employeeNumber', 'string', 'The employee number.'),
    attribute('costCenter', 'string', 'The cost center.'),
    attribute('organization', 'string', 'The organization.'),
    attribute('department', 'string', 'The LMS department, by name or path.'),
    attribute('manager', 'complex', "The person's manager, another User.", {
      subAttributes: [
        attribute('value', 'string', 'The id of the manager.', { caseExact: true }),
        attribute('$ref', 'reference', 'The URI of the manager.', {
          caseExact: true,
          referenceTypes: ['User'],
        }),
        attribute('displayName', 'string', "The manager's display name.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const GROUP_CORE_SCHEMA: ScimSchema = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'A static cohort of the LMS.',
  attributes: [
    attribute('displayName', 'string', 'The name of the cohort.', { required: true }),
    attribute('members', 'complex', 'The people in the cohort.', {
      multiValued: true,
      // RFC 7643 §2.4 and §8.7.1: a member's sub-attributes are immutable; members come and go whole.
      subAttributes: [
        attribute('value', 'string', 'The id of the member.', { caseExact: true, mutability: 'immutable' }),
        attribute('$ref', 'reference', 'The URI of the member.', {
          caseExact: true,
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attribute('type', 'string', 'The kind of member.', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
        attribute('display', 'string', 'The name of the member; taken, not kept or shown.', {
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};

export const USER_RESOURCE_TYPE: ScimResourceType = {
  name: 'User',
  endpoint: '/Users',
  description: 'People of the LMS',
  schema: USER_CORE_SCHEMA,
  schemaExtensions: [{ schema: ENTERPRISE_USER_EXTENSION, required: false }],
};

export const GROUP_RESOURCE_TYPE: ScimResourceType = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Static cohorts of the LMS',
  schema: GROUP_CORE_SCHEMA,
  schemaExtensions: [],
};

/**
 * Every attribute and sub-attribute of a resource type, the common ones first: what a PATCH path may name.
 *
 * @example
 * scimAttributeRefs(GROUP_RESOURCE_TYPE).map((ref) => ref.path)
 * // ['id', 'externalId', 'meta', 'meta.resourceType', …, 'displayName', 'members', 'members.value', …]
 */
export function scimAttributeRefs(resourceType: ScimResourceType): ScimAttributeRef[] {
  const refsOf = (schema: ScimSchema, attributes: readonly ScimAttribute[], extension: boolean) =>
    attributes.flatMap((definition) => {
      const path = extension ? `${schema.id}:${definition.name}` : definition.name;
      const whole: ScimAttributeRef = { schema: schema.id, extension, attribute: definition, path };
      return [
        whole,
        ...(definition.subAttributes ?? []).map((sub) => ({
          ...whole,
          subAttribute: sub,
          path: `${path}.${sub.name}`,
        })),
      ];
    });
  return [
    ...refsOf(resourceType.schema, COMMON_ATTRIBUTES, false),
    ...refsOf(resourceType.schema, resourceType.schema.attributes, false),
    ...resourceType.schemaExtensions.flatMap(({ schema }) => refsOf(schema, schema.attributes, true)),
  ];
}

/**
 * The attributes of a resource type that filters may test, by path as `scimAttributeRefs` writes them.
 *
 * @throws {Error} when a path names no attribute of the resource type (a mistake in the code, not input).
 */
export function filterableAttributes(
  resourceType: ScimResourceType,
  paths: readonly string[],
): ScimAttributeRef[] {
  const refs = scimAttributeRefs(resourceType);
  return paths.map((path) => {
    const ref = refs.find((candidate) => candidate.path === path);
    if (!ref) throw new Error(`${resourceType.name} has no attribute ${path}.`);
    return ref;
  });
}

/**
 * What the identity providers filter Users by (Okta: `userName eq`; Entra ID: `userName`, `externalId` and
 * `emails[type eq "work"].value`), with the dates of `meta` for `gt`/`lt` and a few attributes worth a
 * query. Anything else is refused as `invalidFilter` rather than found by reading every person.
 */
export const USER_FILTER_ATTRIBUTES = filterableAttributes(USER_RESOURCE_TYPE, [
  'id',
  'userName',
  'externalId',
  'displayName',
  'name.givenName',
  'name.familyName',
  'emails.value',
  'emails.type',
  'emails.primary',
  'active',
  'title',
  'meta.created',
  'meta.lastModified',
  `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
]);

/** Groups by name (Entra ID: `displayName eq`), ids, dates, and by member (`members[value eq "…"]`). */
export const GROUP_FILTER_ATTRIBUTES = filterableAttributes(GROUP_RESOURCE_TYPE, [
  'id',
  'externalId',
  'displayName',
  'members.value',
  'meta.created',
  'meta.lastModified',
]);

/** RFC 7643 §2.3.5: an xsd:dateTime with its offset, like `2011-05-13T04:42:34Z`. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * The instant a SCIM dateTime names, in milliseconds since 1970; undefined when the text is not one.
 *
 * @example
 * scimInstant('2011-05-13T06:42:34+02:00') // 1305261754000, the same instant as 2011-05-13T04:42:34Z
 * scimInstant('2011-02-30T00:00:00Z') // undefined (Date.parse would answer 2 March)
 */
export function scimInstant(text: string): number | undefined {
  const parts = DATE_TIME.exec(text);
  if (!parts) return undefined;
  const part = (group: number) => Number(parts[group] ?? 0);
  const [year, month, day] = [part(1), part(2), part(3)];
  // The calendar repeats every 400 years, so a year in 2000-2399 has the same month lengths.
  const monthDays = new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= monthDays &&
    part(4) <= 23 &&
    part(5) <= 59 &&
    part(6) <= 59 &&
    part(9) <= 14 &&
    part(10) <= 59;
  return valid ? Date.parse(text.toUpperCase()) : undefined;
}

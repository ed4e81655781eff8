/**
 * The SCIM protocol over HTTP beyond the IdPs' lifecycles: discovery checked against RFC 7643's own
 * definitions of the discovery resources (§8.7.2), every bad input the issue lists (each refused with its SCIM
 * error, changing nothing), filters, paging, attributes, If-Match, and what the LMS adds: people it already
 * had found by userName, a deleted person coming back, an administrator's suspension and sticky fields
 * standing against the directory.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, departmentIdByName, tokenFor } from '../support/http.ts';
import { ENTERPRISE, ERROR, GROUP, LIST, PATCH_OP, scim, scimToken, USER } from '../support/scim.ts';

let idp: string;
let admin: string;

beforeAll(async () => {
  idp = await scimToken('SCIM protocol', 'client-credentials');
  admin = await tokenFor('admin@example.com');
});

function person(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER],
    userName,
    name: { givenName: 'Pat', familyName: 'Tester' },
    emails: [{ value: userName, type: 'work', primary: true }],
    ...extra,
  };
}

async function create(userName: string, extra: Record<string, unknown> = {}) {
  const created = await scim('POST', '/Users', idp, person(userName, extra));
  expect(created.status, created.text).toBe(201);
  return created.json as { id: string; meta: { version: string } } & Record<string, unknown>;
}

const byUserName = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/**
 * RFC 7643 §8.7.2 as data: for each discovery resource, the attributes it defines with `"required": true`
 * and their types, sub-attributes nested; `canonical` lists the values §7 allows where it names them.
 */
type Definition = {
  type: 'string' | 'boolean' | 'integer' | 'complex';
  required: boolean;
  multiValued?: boolean;
  canonical?: string[];
  sub?: Record<string, Definition>;
};
const required = (type: Definition['type'], more: Partial<Definition> = {}): Definition => ({
  type,
  required: true,
  ...more,
});
const optional = (type: Definition['type'], more: Partial<Definition> = {}): Definition => ({
  type,
  required: false,
  ...more,
});

const SERVICE_PROVIDER_CONFIG: Record<string, Definition> = {
  documentationUri: optional('string'),
  patch: required('complex', { sub: { supported: required('boolean') } }),
  bulk: required('complex', {
    sub: {
      supported: required('boolean'),
      maxOperations: required('integer'),
      maxPayloadSize: required('integer'),
    },
  }),
  filter: required('complex', { sub: { supported: required('boolean'), maxResults: required('integer') } }),
  changePassword: required('complex', { sub: { supported: required('boolean') } }),
  sort: required('complex', { sub: { supported: required('boolean') } }),
  etag: required('complex', { sub: { supported: required('boolean') } }),
  authenticationSchemes: required('complex', {
    multiValued: true,
    sub: {
      name: required('string'),
      description: required('string'),
      specUri: optional('string'),
      documentationUri: optional('string'),
    },
  }),
};

const RESOURCE_TYPE: Record<string, Definition> = {
  id: optional('string'),
  name: required('string'),
  description: optional('string'),
  endpoint: required('string'),
  schema: required('string'),
  schemaExtensions: optional('complex', {
    multiValued: true,
    sub: { schema: required('string'), required: required('boolean') },
  }),
};

const ATTRIBUTE: Record<string, Definition> = {
  name: required('string'),
  type: required('string', {
    canonical: ['string', 'complex', 'boolean', 'decimal', 'integer', 'dateTime', 'reference'],
  }),
  multiValued: required('boolean'),
  description: optional('string'),
  required: optional('boolean'),
  canonicalValues: optional('string', { multiValued: true }),
  caseExact: optional('boolean'),
  mutability: optional('string', { canonical: ['readOnly', 'readWrite', 'immutable', 'writeOnly'] }),
  returned: optional('string', { canonical: ['always', 'never', 'default', 'request'] }),
  uniqueness: optional('string', { canonical: ['none', 'server', 'global'] }),
  referenceTypes: optional('string', { multiValued: true }),
};
const SCHEMA: Record<string, Definition> = {
  id: required('string'),
  name: required('string'),
  description: optional('string'),
  attributes: required('complex', {
    multiValued: true,
    sub: { ...ATTRIBUTE, subAttributes: optional('complex', { multiValued: true, sub: ATTRIBUTE }) },
  }),
};

/** What in `value` breaks the definitions (an empty list when it conforms). */
function problems(value: unknown, definitions: Record<string, Definition>, at = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${at || 'resource'} is not an object`];
  const object = value as Record<string, unknown>;
  return Object.entries(definitions).flatMap(([name, definition]) => {
    const path = at ? `${at}.${name}` : name;
    const item = object[name];
    if (item === undefined || item === null) return definition.required ? [`${path} is missing`] : [];
    const items = definition.multiValued ? item : [item];
    if (!Array.isArray(items)) return [`${path} is not multi-valued`];
    return items.flatMap((element: unknown, index: number) => {
      const where = definition.multiValued ? `${path}[${index}]` : path;
      if (definition.type === 'complex') return problems(element, definition.sub ?? {}, where);
      const type = definition.type === 'integer' ? 'number' : definition.type;
      if (typeof element !== type || (definition.type === 'integer' && !Number.isInteger(element)))
        return [`${where} is not ${definition.type}`];
      if (definition.canonical && !definition.canonical.includes(element as string))
        return [`${where} is ${element}, not one of ${definition.canonical.join(', ')}`];
      return [];
    });
  });
}

describe('SCIM discovery', () => {
  it('answers ServiceProviderConfig as RFC 7643 defines it: patch, filter and ETags yes; bulk, sort and password change no', async () => {
    const config = await scim('GET', '/ServiceProviderConfig', idp);
    expect(config.status).toBe(200);
    expect(problems(config.json, SERVICE_PROVIDER_CONFIG)).toEqual([]);
    expect(config.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig' },
    });
  });

  it('lists the resource types and schemas as ListResponses of resources RFC 7643 defines', async () => {
    const types = await scim('GET', '/ResourceTypes', idp);
    const schemas = await scim('GET', '/Schemas', idp);
    expect(types.json).toMatchObject({ schemas: [LIST], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(schemas.json).toMatchObject({ schemas: [LIST], totalResults: 3, startIndex: 1, itemsPerPage: 3 });
    for (const type of types.json.Resources) {
      expect(problems(type, RESOURCE_TYPE)).toEqual([]);
      expect(type).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        meta: { resourceType: 'ResourceType' },
      });
    }
    for (const schema of schemas.json.Resources) {
      expect(problems(schema, SCHEMA)).toEqual([]);
      expect(schema).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        meta: { resourceType: 'Schema' },
      });
    }
    expect(types.json.Resources.map((type: { id: string }) => type.id)).toEqual(['User', 'Group']);
    expect(types.json.Resources[0]).toMatchObject({
      endpoint: '/Users',
      schema: USER,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
    });
    expect(schemas.json.Resources.map((schema: { id: string }) => schema.id)).toEqual([
      USER,
      ENTERPRISE,
      GROUP,
    ]);
    // One schema and one resource type by their ids, as the list has them
    const user = await scim('GET', `/Schemas/${USER}`, idp);
    expect(user.json).toEqual(schemas.json.Resources[0]);
    expect(user.json.attributes[0]).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: 'The name the person signs in with, unique without regard to case.',
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    expect((await scim('GET', '/ResourceTypes/Group', idp)).json).toEqual(types.json.Resources[1]);
    const unknown = await scim('GET', '/Schemas/urn:example:nope', idp);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ schemas: [ERROR], status: '404' });
  });
});

describe('SCIM bad input: each refused with its SCIM error, nothing changed', () => {
  it.each([
    [
      'malformed JSON',
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":',
      'invalidSyntax',
      /^The body is not valid JSON\./,
    ],
    [
      'an unknown schema URN',
      JSON.stringify({ ...person('%u'), schemas: [USER, 'urn:example:params:scim:schemas:custom:2.0:User'] }),
      'invalidSyntax',
      /^Unknown schema "urn:example:params:scim:schemas:custom:2\.0:User": a User has /,
    ],
    [
      'a wrong type',
      JSON.stringify(person('%u', { active: 'yes' })),
      'invalidValue',
      /^active is a boolean \(true or false\), not "yes"\.$/,
    ],
    [
      'a missing userName',
      JSON.stringify({ ...person('%u'), userName: undefined }),
      'invalidValue',
      /^userName is required\.$/,
    ],
    [
      'an attribute no schema defines',
      JSON.stringify(person('%u', { favouriteColour: 'teal' })),
      'invalidSyntax',
      /^Unknown attribute "favouriteColour"/,
    ],
    [
      'an email that is none',
      JSON.stringify(person('%u', { emails: [{ value: 'not-an-email', primary: true }] })),
      'invalidValue',
      /^emails\.value is not valid/,
    ],
  ])('POST /Users with %s', async (_name, template, scimType, detail) => {
    const userName = uniqueEmail('bad');
    const response = await api('POST', '/scim/v2/Users', {
      token: idp,
      rawBody: template.replaceAll('%u', userName),
      headers: { 'content-type': 'application/scim+json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.json).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType,
      detail: expect.stringMatching(detail),
    });
    expect((await scim('GET', byUserName(userName), idp)).json.totalResults).toBe(0);
  });

  it('refuses a duplicate userName (any case) and a duplicate externalId with 409 uniqueness', async () => {
    const userName = uniqueEmail('dup');
    const externalId = `ext-${randomUUID()}`;
    await create(userName, { externalId });
    const sameUserName = await scim(
      'POST',
      '/Users',
      idp,
      person(userName.toUpperCase(), { emails: [{ value: uniqueEmail('other'), primary: true }] }),
    );
    const sameExternalId = await scim('POST', '/Users', idp, person(uniqueEmail('other'), { externalId }));
    expect(sameUserName.status).toBe(409);
    expect(sameUserName.json).toEqual({
      schemas: [ERROR],
      status: '409',
      scimType: 'uniqueness',
      detail: `The userName ${userName.toUpperCase()} is already in use.`,
    });
    expect(sameExternalId.status).toBe(409);
    expect(sameExternalId.json).toEqual({
      schemas: [ERROR],
      status: '409',
      scimType: 'uniqueness',
      detail: `The external id ${externalId} is already in use.`,
    });
  });

  it.each([
    ['that does not parse', 'userName eq', /^Expected a value after eq at the end/],
    [
      'on an attribute the LMS does not keep (never a scan)',
      'nickName eq "Babs"',
      /^Unknown attribute "nickName" at character 1: you can filter by /,
    ],
    ['with single quotes', "userName eq 'bjensen'", /^Strings are written in double quotes/],
  ])('refuses a filter %s with 400 invalidFilter', async (_name, filter, detail) => {
    const response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`, idp);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType: 'invalidFilter',
      detail: expect.stringMatching(detail),
    });
  });

  it('refuses a PATCH of a read-only attribute (mutability) and a remove that matches nothing (noTarget)', async () => {
    const user = await create(uniqueEmail('patch'));
    const readOnly = await scim('PATCH', `/Users/${user.id}`, idp, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'meta.created', value: '2011-05-13T04:42:34Z' }],
    });
    const noTarget = await scim('PATCH', `/Users/${user.id}`, idp, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'title', value: 'Changed first' },
        { op: 'remove', path: 'emails[type eq "home"]' },
      ],
    });
    expect(readOnly.status).toBe(400);
    expect(readOnly.json).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType: 'mutability',
      detail: 'Operations[0].path: meta is read-only.',
    });
    expect(noTarget.status).toBe(400);
    expect(noTarget.json).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType: 'noTarget',
      detail: 'Operations[1].path: no element of emails matches the filter.',
    });
    // All or nothing: the title of the first operation was not written either
    const after = await scim('GET', `/Users/${user.id}`, idp);
    expect(after.json.title).toBeUndefined();
    expect(after.json.meta.version).toBe(user.meta.version);
  });

  it('caps count at the maximum and reads startIndex below 1 as 1', async () => {
    const response = await scim('GET', '/Users?count=100000&startIndex=-5', idp);
    expect(response.status).toBe(200);
    expect(response.json.startIndex).toBe(1);
    expect(response.json.itemsPerPage).toBe(Math.min(200, response.json.totalResults));
    expect(response.json.Resources).toHaveLength(response.json.itemsPerPage);
  });

  it('refuses a group PATCH of more than 1,000 members with tooMany, and a group of unknown people', async () => {
    const group = await scim('POST', '/Groups', idp, {
      schemas: [GROUP],
      displayName: uniqueName('Too many'),
    });
    const members = Array.from({ length: 1001 }, () => ({ value: randomUUID() }));
    const tooMany = await scim('PATCH', `/Groups/${group.json.id}`, idp, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: members }],
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toEqual({
      schemas: [ERROR],
      status: '400',
      scimType: 'tooMany',
      detail: 'The request names 1001 members; at most 1000 a request: send them in several PATCHes.',
    });
    const unknown = await scim('PATCH', `/Groups/${group.json.id}`, idp, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: members.slice(0, 2) }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      scimType: 'invalidValue',
      detail: `members: no User with id ${members[0]?.value}; create it first.`,
    });
    const after = await scim('GET', `/Groups/${group.json.id}`, idp);
    expect(after.json.members).toEqual([]);
    const name = uniqueName('Unknown members');
    const refused = await scim('POST', '/Groups', idp, {
      schemas: [GROUP],
      displayName: name,
      members: members.slice(0, 1),
    });
    expect(refused.status).toBe(400);
    expect(
      (await scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`, idp)).json
        .totalResults,
    ).toBe(0);
  });

  it('refuses a duplicate group displayName (any case) with 409 uniqueness', async () => {
    const name = uniqueName('Duplicate');
    await scim('POST', '/Groups', idp, { schemas: [GROUP], displayName: name });
    const again = await scim('POST', '/Groups', idp, { schemas: [GROUP], displayName: name.toLowerCase() });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      schemas: [ERROR],
      status: '409',
      scimType: 'uniqueness',
      detail: `The cohort name ${name.toLowerCase()} is already in use.`,
    });
  });
});

describe('SCIM queries, versions and the LMS’s own rules', () => {
  it('pages a filter’s results with startIndex and count, in a stable order, with totalResults', async () => {
    const prefix = `page.${randomUUID().slice(0, 8)}`;
    const names = [
      `${prefix}.c@example.com`,
      `${prefix}.a@example.com`,
      `${prefix}.e@example.com`,
      `${prefix}.b@example.com`,
      `${prefix}.d@example.com`,
    ];
    for (const name of names) await create(name);
    const page = (startIndex: number) =>
      scim(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName sw "${prefix}"`)}&startIndex=${startIndex}&count=2&attributes=userName`,
        idp,
      );
    const pages = await Promise.all([1, 3, 5, 7].map(page));
    expect(
      pages.map((response) => response.json.Resources.map((user: { userName: string }) => user.userName)),
    ).toEqual([
      [`${prefix}.a@example.com`, `${prefix}.b@example.com`],
      [`${prefix}.c@example.com`, `${prefix}.d@example.com`],
      [`${prefix}.e@example.com`],
      [],
    ]);
    expect(
      pages.map((response) => [
        response.json.totalResults,
        response.json.startIndex,
        response.json.itemsPerPage,
      ]),
    ).toEqual([
      [5, 1, 2],
      [5, 3, 2],
      [5, 5, 1],
      [5, 7, 0],
    ]);
    // attributes: only those asked for, with id and schemas
    expect(pages[0]?.json.Resources[0]).toEqual({
      schemas: [USER],
      id: expect.any(String),
      userName: `${prefix}.a@example.com`,
    });
  });

  it('answers only the attributes asked for, or all but the excluded', async () => {
    const user = await create(uniqueEmail('attrs'), { title: 'Analyst' });
    const only = await scim(
      'GET',
      `/Users/${user.id}?attributes=name.givenName,${ENTERPRISE}:employeeNumber`,
      idp,
    );
    const but = await scim('GET', `/Users/${user.id}?excludedAttributes=emails,meta,name`, idp);
    expect(only.json).toEqual({ schemas: [USER], id: user.id, name: { givenName: 'Pat' } });
    expect(Object.keys(but.json).sort()).toEqual([
      'active',
      'displayName',
      'id',
      'schemas',
      'title',
      'userName',
    ]);
    const unknown = await scim('GET', `/Users/${user.id}?attributes=nickName`, idp);
    expect(unknown.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  it('answers 412 to a stale If-Match and takes the current one, weak as SCIM writes it', async () => {
    const user = await create(uniqueEmail('etag'));
    const patch = (ifMatch: string, title: string) =>
      scim(
        'PATCH',
        `/Users/${user.id}`,
        idp,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] },
        { 'if-match': ifMatch },
      );
    const current = await patch('W/"1"', 'First');
    const stale = await patch('W/"1"', 'Second');
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('W/"2"');
    expect(stale.status).toBe(412);
    expect(stale.json).toEqual({
      schemas: [ERROR],
      status: '412',
      detail: `The user ${user.id} is at version 2, not 1; read it again and retry with its ETag.`,
    });
  });

  it('takes application/json bodies and Entra ID’s "False" for a boolean', async () => {
    const user = await create(uniqueEmail('json'));
    const response = await api('PATCH', `/scim/v2/Users/${user.id}`, {
      token: idp,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.json.active).toBe(false);
  });

  it('finds a person the LMS already had by their email as userName, and their first change provisions them', async () => {
    const email = uniqueEmail('existing');
    const existing = await api('POST', '/users', {
      token: admin,
      body: { email, givenName: 'Eve', familyName: 'Early', jobTitle: 'Clerk' },
    });
    const found = await scim('GET', byUserName(email), idp);
    expect(found.json.totalResults).toBe(1);
    expect(found.json.Resources[0]).toMatchObject({
      id: existing.json.id,
      userName: email,
      title: 'Clerk',
      active: true,
    });
    const changed = await scim('PATCH', `/Users/${existing.json.id}`, idp, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'title', value: 'Senior Clerk' }],
    });
    expect(changed.status).toBe(200);
    const access = await api('GET', `/users/${existing.json.id}/access`, { token: admin });
    expect(access.json.scim).toMatchObject({ userName: email, deletedAt: null });
    expect(access.json.reasons).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Provisioned by an identity provider \\(SCIM\\) as ${email.replace('.', '\\.')} since `),
      ),
    );
  });

  it('brings back a person it deleted, with their id and records, when the same userName is created again', async () => {
    const userName = uniqueEmail('rehire');
    const user = await create(userName);
    expect((await scim('DELETE', `/Users/${user.id}`, idp)).status).toBe(204);
    expect((await scim('GET', `/Users/${user.id}`, idp)).status).toBe(404);
    const back = await scim(
      'POST',
      '/Users',
      idp,
      person(userName, { name: { givenName: 'Pat', familyName: 'Returned' } }),
    );
    expect(back.status).toBe(201);
    expect(back.json).toMatchObject({
      id: user.id,
      userName,
      active: true,
      name: { familyName: 'Returned' },
    });
    const audit = await api('GET', `/audit?target=user:${user.id}`, { token: admin });
    expect(audit.json.items.map((record: { action: string }) => record.action)).toEqual([
      'user.reactivated',
      'user.suspended',
      'user.created',
    ]);
  });

  it('keeps an administrator’s suspension and sticky fields against the directory', async () => {
    const userName = uniqueEmail('held');
    const user = await create(userName, { title: 'Engineer' });
    const read = await api('GET', `/users/${user.id}`, { token: admin });
    await api('PATCH', `/users/${user.id}`, {
      token: admin,
      headers: { 'if-match': read.headers.get('etag') ?? '' },
      body: { jobTitle: 'Principal Engineer', stickyFields: ['jobTitle'] },
    });
    await api('POST', `/users/${user.id}/suspend`, { token: admin, body: { reason: 'Under investigation' } });
    const put = await scim(
      'PUT',
      `/Users/${user.id}`,
      idp,
      person(userName, { active: true, title: 'Junior Engineer', displayName: 'Pat T.' }),
    );
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ active: false, title: 'Principal Engineer', displayName: 'Pat T.' });
  });

  it('places a person by department name or path, and keeps a department the LMS does not know as sent', async () => {
    const sales = await departmentIdByName('Sales');
    const children = await api('GET', `/departments?parentId=${sales}`, { token: admin });
    const emea = children.json.items.find(
      (department: { name: string }) => department.name === 'Sales EMEA',
    ).id;
    const user = await create(uniqueEmail('dept'), {
      schemas: [USER, ENTERPRISE],
      [ENTERPRISE]: { department: 'sales' },
    });
    const department = async () =>
      (await api('GET', `/users/${user.id}`, { token: admin })).json.departmentId;
    const replace = (value: string) =>
      scim('PATCH', `/Users/${user.id}`, idp, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value }],
      });
    expect(await department()).toBe(sales);
    const unknown = await replace('Unheard Of');
    expect(unknown.json[ENTERPRISE]).toEqual({ department: 'Unheard Of' });
    expect(await department()).toBe(sales);
    await replace('Sales / Sales EMEA');
    expect(await department()).toBe(emea);
  });

  it('replaces a group whole with PUT: its name, external id and members', async () => {
    const [a, b, c] = await Promise.all([
      create(uniqueEmail('a')),
      create(uniqueEmail('b')),
      create(uniqueEmail('c')),
    ]);
    const group = await scim('POST', '/Groups', idp, {
      schemas: [GROUP],
      displayName: uniqueName('Before'),
      externalId: 'g-before',
      members: [{ value: a?.id }, { value: b?.id }],
    });
    expect(group.json.members.map((member: { value: string }) => member.value).sort()).toEqual(
      [a?.id, b?.id].sort(),
    );
    const name = uniqueName('After');
    const put = await scim(
      'PUT',
      `/Groups/${group.json.id}`,
      idp,
      {
        schemas: [GROUP],
        id: group.json.id,
        displayName: name,
        members: [{ value: b?.id }, { value: c?.id }],
      },
      { 'if-match': 'W/"1"' },
    );
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: group.json.id, displayName: name, meta: { version: 'W/"2"' } });
    expect(put.json.externalId).toBeUndefined();
    expect(put.json.members.map((member: { value: string }) => member.value).sort()).toEqual(
      [b?.id, c?.id].sort(),
    );
  });
});

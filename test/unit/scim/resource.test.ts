/**
 * POST and PUT bodies read against the schemas: what Okta and Entra ID send, in canonical form, and every
 * refusal with the attribute it names.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors.ts';
import { readScimResource } from '../../../shared/scim/resource.ts';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../shared/scim/schema.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function refusal(body: unknown, resourceType = USER_RESOURCE_TYPE): ScimError {
  try {
    readScimResource(body, resourceType);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('readScimResource', () => {
  it('reads Okta’s POST /Users body, dropping what the LMS does not keep (password, locale, groups)', () => {
    const body = {
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', middleName: '', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    expect(readScimResource(body, USER_RESOURCE_TYPE)).toEqual({
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
  });

  it('reads Entra ID’s Create User with its roles and meta, names in any case and booleans as "True"', () => {
    const body = {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      UserName: 'Test_User_00aa00aa',
      Active: 'True',
      emails: [{ primary: 'true', type: 'work', value: 'test@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE.toLowerCase()]: {
        employeeNumber: '701984',
        Department: 'Tour Operations',
        division: 'Sales',
      },
    };
    expect(readScimResource(body, USER_RESOURCE_TYPE)).toEqual({
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'test@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
    });
  });

  it('reads Entra ID’s Create Group with its ADSCIM schema, and members whose $ref is null', () => {
    const body = {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      members: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c', display: 'Someone' }],
      meta: { resourceType: 'Group' },
    };
    expect(readScimResource(body, GROUP_RESOURCE_TYPE)).toEqual({
      schemas: [GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      members: [{ value: 'f648f8d5ea4e4cd38e9c', display: 'Someone' }],
    });
  });

  it('ignores read-only attributes (id, meta) and treats null and empty lists as unassigned', () => {
    expect(
      readScimResource(
        { schemas: [USER], id: 'x', userName: 'a', title: null, emails: [], meta: { created: 'x' } },
        USER_RESOURCE_TYPE,
      ),
    ).toEqual({ schemas: [USER], userName: 'a' });
  });

  it.each([
    ['a body that is not an object', [], 'invalidSyntax', 'A User is a JSON object.'],
    [
      'schemas without the core schema',
      { schemas: [ENTERPRISE], userName: 'a' },
      'invalidSyntax',
      `schemas must list "${USER}", not ["${ENTERPRISE}"].`,
    ],
    ['no schemas', { userName: 'a' }, 'invalidSyntax', `schemas must list "${USER}", not nothing.`],
    [
      'an unknown schema',
      { schemas: [USER, 'urn:example:custom'], userName: 'a' },
      'invalidSyntax',
      `Unknown schema "urn:example:custom": a User has ${USER}, ${ENTERPRISE}.`,
    ],
    [
      'attributes under an unknown schema',
      { schemas: [USER], userName: 'a', 'urn:example:custom': { tag: 'x' } },
      'invalidSyntax',
      `Unknown schema "urn:example:custom": a User has ${USER}, ${ENTERPRISE}.`,
    ],
    [
      'an attribute no schema defines',
      { schemas: [USER], userName: 'a', favouriteColour: 'teal' },
      'invalidSyntax',
      'Unknown attribute "favouriteColour": /Schemas lists the attributes there are.',
    ],
    [
      'a sub-attribute the attribute does not have',
      { schemas: [USER], userName: 'a', name: { nickname: 'x' } },
      'invalidSyntax',
      'Unknown sub-attribute "nickname" of name: it has formatted, familyName, givenName.',
    ],
    [
      'active: "yes"',
      { schemas: [USER], userName: 'a', active: 'yes' },
      'invalidValue',
      'active is a boolean (true or false), not "yes".',
    ],
    [
      'a number for a string',
      { schemas: [USER], userName: 5 },
      'invalidValue',
      'userName is a string, not 5.',
    ],
    [
      'one email for a list',
      { schemas: [USER], userName: 'a', emails: { value: 'a@b.c' } },
      'invalidValue',
      'emails is a list, not {"value":"a@b.c"}.',
    ],
    [
      'a string for a complex attribute',
      { schemas: [USER], userName: 'a', name: 'Ada' },
      'invalidValue',
      'name is an object, not "Ada".',
    ],
    [
      'an enterprise value of the wrong type',
      { schemas: [USER, ENTERPRISE], userName: 'a', [ENTERPRISE]: { costCenter: 4130 } },
      'invalidValue',
      `${ENTERPRISE}:costCenter is a string, not 4130.`,
    ],
    [
      'a missing userName',
      { schemas: [USER], name: { givenName: 'A' } },
      'invalidValue',
      'userName is required.',
    ],
    ['an empty userName', { schemas: [USER], userName: '' }, 'invalidValue', 'userName is required.'],
  ])('refuses %s', (_name, body, scimType, detail) => {
    expect(refusal(body)).toEqual(new ScimError(400, scimType as 'invalidSyntax', detail));
  });

  it('refuses a group without a displayName', () => {
    expect(refusal({ schemas: [GROUP] }, GROUP_RESOURCE_TYPE)).toEqual(
      new ScimError(400, 'invalidValue', 'displayName is required.'),
    );
  });
});

/** People as SCIM Users and back: the mapping table of shared/scim/users.ts, written out. */
import { describe, expect, it } from 'vitest';
import type { User } from '../../../shared/domain/user.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import { scimPerson, scimUser } from '../../../shared/scim/users.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'https://lms.example.com/prod/scim/v2';
const ID = '2819c223-7f76-453a-919d-413861904646';
const MANAGER = '26118915-6090-4610-87e4-49d8ca9f808d';

function person(fields: Partial<User> = {}): User {
  return {
    id: ID,
    email: 'bjensen@example.com',
    givenName: 'Barbara',
    familyName: 'Jensen',
    departmentId: null,
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    createdAt: '2010-01-23T04:56:22.000Z',
    updatedAt: '2011-05-13T04:42:34.000Z',
    version: 3,
    ...fields,
  };
}

describe('scimUser', () => {
  it('shows a provisioned person with the enterprise extension, as RFC 7643 §8.3 shows one', () => {
    const user = person({
      externalId: '701984',
      jobTitle: 'Tour Guide',
      managerId: MANAGER,
      customAttributes: {
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        shoeSize: '9',
      },
      scim: {
        userName: 'bjensen@example.com',
        displayName: 'Babs Jensen',
        department: 'Tour Operations',
        provisionedAt: '2010-01-23T04:56:22.000Z',
        updatedAt: '2011-05-13T04:42:34.000Z',
        updatedBy: 'client:scim-token:t1',
        deletedAt: null,
      },
    });
    expect(scimUser(user, BASE)).toEqual({
      schemas: [USER, ENTERPRISE],
      id: ID,
      externalId: '701984',
      userName: 'bjensen@example.com',
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
      displayName: 'Babs Jensen',
      title: 'Tour Guide',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: {
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        department: 'Tour Operations',
        manager: { value: MANAGER, $ref: `${BASE}/Users/${MANAGER}` },
      },
      meta: {
        resourceType: 'User',
        created: '2010-01-23T04:56:22.000Z',
        lastModified: '2011-05-13T04:42:34.000Z',
        location: `${BASE}/Users/${ID}`,
        version: 'W/"3"',
      },
    });
  });

  it('shows a person SCIM has not provisioned by their email, suspended as inactive', () => {
    expect(scimUser(person({ status: 'suspended' }), BASE)).toEqual({
      schemas: [USER],
      id: ID,
      userName: 'bjensen@example.com',
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
      displayName: 'Barbara Jensen',
      active: false,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      meta: expect.objectContaining({ version: 'W/"3"' }),
    });
  });
});

describe('scimPerson', () => {
  const resource = (fields: Record<string, unknown>) => ({
    schemas: [USER],
    userName: 'Test_User_00aa00aa',
    name: { givenName: 'Test', familyName: 'User' },
    ...fields,
  });

  it('reads a User in the LMS’s fields', () => {
    expect(
      scimPerson(
        resource({
          externalId: '0a21f0f2',
          displayName: 'Test User',
          title: 'Analyst',
          active: false,
          emails: [
            { value: 'home@example.com', type: 'home' },
            { value: 'work@example.com', type: 'work', primary: true },
          ],
          [ENTERPRISE]: {
            employeeNumber: '100009',
            department: 'Sales/Sales EMEA',
            manager: { value: MANAGER },
          },
        }),
      ),
    ).toEqual({
      userName: 'Test_User_00aa00aa',
      externalId: '0a21f0f2',
      givenName: 'Test',
      familyName: 'User',
      displayName: 'Test User',
      email: 'work@example.com',
      active: false,
      jobTitle: 'Analyst',
      custom: { employeeNumber: '100009', costCenter: null, organization: null },
      department: 'Sales/Sales EMEA',
      managerId: MANAGER,
    });
  });

  it.each([
    [
      'the primary email',
      [{ value: 'a@example.com' }, { value: 'b@example.com', primary: true }],
      'b@example.com',
    ],
    [
      'else the work one',
      [
        { value: 'a@example.com', type: 'home' },
        { value: 'b@example.com', type: 'work' },
      ],
      'b@example.com',
    ],
    [
      'else the first',
      [
        { value: 'a@example.com', type: 'home' },
        { value: 'b@example.com', type: 'other' },
      ],
      'a@example.com',
    ],
    ['else the userName when it is an email (Okta’s)', undefined, 'test.user@okta.local'],
  ])('takes %s as the person’s email', (_name, emails, expected) => {
    const read = scimPerson(resource({ userName: 'test.user@okta.local', emails }));
    expect(read.email).toBe(expected);
  });

  it('has no email for a userName that is none and no emails (a POST refuses it)', () => {
    expect(scimPerson(resource({})).email).toBeUndefined();
  });

  it.each([
    [
      'no given name',
      { name: { familyName: 'User' } },
      'name.givenName is required (the LMS keeps a given name).',
    ],
    [
      'no family name',
      { name: { givenName: 'Test' } },
      'name.familyName is required (the LMS keeps a family name).',
    ],
    [
      'an externalId with a space',
      { externalId: 'a b' },
      'externalId is not valid: letters, digits and . _ : @ - only.',
    ],
    [
      'an email that is none',
      { emails: [{ value: 'nope' }] },
      'emails.value is not valid: Invalid email address (an email address).',
    ],
    [
      'a manager that is no id',
      { [ENTERPRISE]: { manager: { value: 'Jane' } } },
      `${ENTERPRISE}:manager.value is not valid: Invalid UUID (the id of a User).`,
    ],
    [
      'a title over 120 characters',
      { title: 'x'.repeat(121) },
      'title is not valid: Too big: expected string to have <=120 characters.',
    ],
  ])('refuses %s, naming the attribute', (_name, fields, detail) => {
    expect(() => scimPerson(resource(fields))).toThrow(new ScimError(400, 'invalidValue', detail));
  });
});

/**
 * SCIM PATCH: the request bodies Okta's SCIM 2.0 reference and Entra ID's SCIM documentation show, the
 * rules of RFC 7644 §3.5.2, and every refusal with the operation it names. The expected resources are
 * written out in full.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors.ts';
import { applyScimPatch, readScimPatchRequest } from '../../../shared/scim/patch.ts';
import { GROUP_RESOURCE_TYPE, type ScimResource, USER_RESOURCE_TYPE } from '../../../shared/scim/schema.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const META = {
  resourceType: 'User',
  created: '2019-09-10T02:02:58Z',
  lastModified: '2019-09-10T02:02:58Z',
  version: 'W/"3"',
};

/** The user of Okta's reference, as the LMS would hold it. */
function oktaUser(): Record<string, unknown> {
  return {
    schemas: [USER],
    id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
    externalId: '00ujl29u0le5T6Aj10h7',
    userName: 'test.user@okta.local',
    name: { givenName: 'Test', familyName: 'User' },
    displayName: 'Test User',
    emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
    active: true,
    meta: META,
  };
}

/** The user of Entra ID's examples, with an enterprise extension. */
function entraUser(): Record<string, unknown> {
  return {
    schemas: [USER, ENTERPRISE],
    id: '6764549bef60420686bc',
    externalId: '6c75de36-30fa-4d2d-a196-6bdcdb6b6539',
    userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    active: true,
    emails: [{ value: 'Test_User_11bb11bb@testuser.com', type: 'work', primary: true }],
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
    meta: META,
  };
}

function oktaGroup(): Record<string, unknown> {
  return {
    schemas: [GROUP],
    id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b',
    displayName: 'Test SCIMv2',
    members: [
      { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'leaver@okta.local' },
      { value: 'b1c794f24f4c49f4b5d503a4cb2686ea', display: 'stayer@okta.local' },
    ],
    meta: { resourceType: 'Group', created: '2019-09-10T04:54:18Z', lastModified: '2019-09-10T04:54:18Z' },
  };
}

/** A copy of a resource without some attributes. */
function without(resource: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const copy = { ...resource };
  for (const name of names) delete copy[name];
  return copy;
}

/** The operations of a documented body, read as the handler will read it. */
function operations(body: unknown): readonly unknown[] {
  return readScimPatchRequest(body);
}

/** The error a PATCH is refused with; the resource must come out as it went in. */
function refusal(
  resource: Record<string, unknown>,
  patch: readonly unknown[],
  resourceType = USER_RESOURCE_TYPE,
): ScimError {
  const before = structuredClone(resource);
  try {
    applyScimPatch(resource, patch, resourceType);
  } catch (error) {
    expect(resource).toEqual(before);
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(patch)} was accepted`);
}

describe('applyScimPatch: Okta (SCIM 2.0 reference)', () => {
  it('deactivates a user', () => {
    // Prepare: "Update a specific User (PATCH)", deactivation.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    };

    // Act
    const patched = applyScimPatch(oktaUser(), operations(body), USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...oktaUser(), active: false });
  });

  it('renames a group, its unchanged id sent along', () => {
    // Prepare: "Update a specific Group name".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'replace',
          value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv20' },
        },
      ],
    };

    // Act
    const patched = applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...oktaGroup(), displayName: 'Test SCIMv20' });
  });

  it('removes one member by filter and adds another in one request', () => {
    // Prepare: "Update specific Group membership".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
        {
          op: 'add',
          path: 'members',
          value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
        },
      ],
    };

    // Act
    const patched = applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...oktaGroup(),
      members: [
        { value: 'b1c794f24f4c49f4b5d503a4cb2686ea', display: 'stayer@okta.local' },
        { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
      ],
    });
  });

  it('replaces all members with a full push', () => {
    // Prepare: "You can also send a full push of the membership … using the replace operation".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'replace',
          path: 'members',
          value: [
            { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
            { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
          ],
        },
      ],
    };

    // Act
    const patched = applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...oktaGroup(),
      members: [
        { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
        { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
      ],
    });
  });

  it('adds a member already there without a duplicate (a retried request)', () => {
    // Prepare: the member is there, shown with another display name.
    const patch = [
      {
        op: 'add',
        path: 'members',
        value: [{ value: 'b1c794f24f4c49f4b5d503a4cb2686ea', display: 'Stayer' }],
      },
    ];

    // Act
    const patched = applyScimPatch(oktaGroup(), patch, GROUP_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual(oktaGroup());
  });
});

describe('applyScimPatch: Entra ID', () => {
  it('updates multi-valued and single-valued properties ("Update User [Multi-valued properties]")', () => {
    // Prepare
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    };

    // Act
    const patched = applyScimPatch(entraUser(), operations(body), USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...entraUser(),
      name: { formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' },
      emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }],
    });
  });

  it('replaces the userName ("Update User [Single-valued properties]")', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
      ],
    };

    expect(applyScimPatch(entraUser(), operations(body), USER_RESOURCE_TYPE)).toEqual({
      ...entraUser(),
      userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
    });
  });

  it.each([
    ['without aadOptscim062020: "Replace" and the string "False"', 'Replace', 'False'],
    ['with aadOptscim062020: "replace" and false', 'replace', false],
    ['"Disable User" of the SCIM endpoint tutorial', 'Replace', false],
  ])('disables a user %s', (_label, op, value) => {
    // Prepare
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op, path: 'active', value }],
    };

    // Act
    const patched = applyScimPatch(entraUser(), operations(body), USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...entraUser(), active: false });
  });

  it('replaces several attributes one path each (without aadOptscim062020)', () => {
    // Prepare: "Requests to replace multiple attributes", without the flag.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        {
          op: 'Replace',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
          value: 'Eqpj',
        },
      ],
    };

    // Act
    const patched = applyScimPatch(entraUser(), operations(body), USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...entraUser(),
      displayName: 'Pvlo',
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
      name: { formatted: 'givenName familyName', familyName: 'Pkqf', givenName: 'Gtfd' },
      externalId: 'Eqpj',
      [ENTERPRISE]: { employeeNumber: 'Eqpj', department: 'Tour Operations' },
    });
  });

  it('replaces several attributes by one value with dotted and URN keys (with aadOptscim062020)', () => {
    // Prepare: the same request with the flag; the user has no enterprise attributes yet.
    const user = { ...without(entraUser(), ENTERPRISE), schemas: [USER] };
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
          },
        },
      ],
    };

    // Act
    const patched = applyScimPatch(user, operations(body), USER_RESOURCE_TYPE);

    // Assess: the extension's URN joins schemas.
    expect(patched).toEqual({
      ...user,
      schemas: [USER, ENTERPRISE],
      emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
      displayName: 'Bjfe',
      name: { formatted: 'givenName familyName', familyName: 'Unua', givenName: 'Kkom' },
      [ENTERPRISE]: { employeeNumber: 'Aklq' },
    });
  });

  it('adds a work email when the user has none ("Add" on emails[type eq "work"].value)', () => {
    // Prepare
    const user = without(entraUser(), 'emails');
    const patch = [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'new@testuser.com' }];

    // Act
    const patched = applyScimPatch(user, patch, USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...user, emails: [{ type: 'work', value: 'new@testuser.com' }] });
  });

  it('sets the manager sent as a bare id, and replaces it', () => {
    // Prepare
    const add = [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' }];
    const replace = [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: 'a0b1c2d3' } }];

    // Act
    const managed = applyScimPatch(entraUser(), add, USER_RESOURCE_TYPE);
    const remanaged = applyScimPatch(managed, replace, USER_RESOURCE_TYPE);

    // Assess
    expect(managed).toEqual({
      ...entraUser(),
      [ENTERPRISE]: {
        employeeNumber: '701984',
        department: 'Tour Operations',
        manager: { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' },
      },
    });
    expect(remanaged).toEqual({
      ...entraUser(),
      [ENTERPRISE]: {
        employeeNumber: '701984',
        department: 'Tour Operations',
        manager: { value: 'a0b1c2d3' },
      },
    });
  });

  it('removes the last enterprise attributes, and the extension leaves schemas', () => {
    // Prepare
    const patch = [
      { op: 'Remove', path: `${ENTERPRISE}:employeeNumber` },
      { op: 'Remove', path: `${ENTERPRISE}:department` },
    ];

    // Act
    const patched = applyScimPatch(entraUser(), patch, USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...without(entraUser(), ENTERPRISE), schemas: [USER] });
  });

  it('renames a group ("Update Group [Non-member attributes]")', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'Replace',
          path: 'displayName',
          value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
        },
      ],
    };

    expect(applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE)).toEqual({
      ...oktaGroup(),
      displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
    });
  });

  it('adds a member sent with "$ref": null ("Update Group [Add Members]")', () => {
    // Prepare
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    };

    // Act
    const patched = applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE);

    // Assess: null is unassigned, so no $ref is kept.
    expect(patched).toEqual({
      ...oktaGroup(),
      members: [
        { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'leaver@okta.local' },
        { value: 'b1c794f24f4c49f4b5d503a4cb2686ea', display: 'stayer@okta.local' },
        { value: 'f648f8d5ea4e4cd38e9c' },
      ],
    });
  });

  it.each([
    [
      'without aadOptscim062020 (the members in value)',
      {
        op: 'Remove',
        path: 'members',
        value: [{ $ref: null, value: '89bb1940-b905-4575-9e7f-6f887cfb368e' }],
      },
    ],
    [
      'with aadOptscim062020 (a filter)',
      { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
    ],
  ])('removes a member %s', (_label, operation) => {
    // Prepare
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] };

    // Act
    const patched = applyScimPatch(oktaGroup(), operations(body), GROUP_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...oktaGroup(),
      members: [{ value: 'b1c794f24f4c49f4b5d503a4cb2686ea', display: 'stayer@okta.local' }],
    });
  });
});

describe('applyScimPatch: RFC 7644 §3.5.2', () => {
  it('never changes the resource it is given', () => {
    // Prepare
    const user = entraUser();
    const before = structuredClone(user);

    // Act
    const patched = applyScimPatch(
      user,
      [
        { op: 'replace', path: 'name.givenName', value: 'Ada' },
        { op: 'add', path: 'emails', value: [{ value: 'ada@home.org', type: 'home' }] },
        { op: 'remove', path: `${ENTERPRISE}:department` },
      ],
      USER_RESOURCE_TYPE,
    );

    // Assess
    expect(user).toEqual(before);
    expect(patched).not.toBe(user);
  });

  it.each(['add', 'ADD', 'Add', 'aDd'])('reads the op %s in any case', (op) => {
    expect(applyScimPatch(oktaUser(), [{ op, path: 'title', value: 'Guide' }], USER_RESOURCE_TYPE)).toEqual({
      ...oktaUser(),
      title: 'Guide',
    });
  });

  it.each([
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['fAlSe', false],
  ])('reads the string %s as a boolean for a boolean attribute', (value, expected) => {
    // Prepare
    const patch = [{ op: 'replace', value: { active: value } }];

    // Act / Assess
    expect(applyScimPatch({ ...oktaUser(), active: !expected }, patch, USER_RESOURCE_TYPE)).toEqual({
      ...oktaUser(),
      active: expected,
    });
  });

  it('adds to a multi-valued attribute without duplicates, even within the value', () => {
    // Prepare
    const patch = [
      {
        op: 'add',
        path: 'emails',
        value: [
          { value: 'TEST.USER@OKTA.LOCAL', type: 'other' },
          { value: 'home@okta.local', type: 'home' },
          { value: 'home@okta.local', type: 'home' },
        ],
      },
    ];

    // Act
    const patched = applyScimPatch(oktaUser(), patch, USER_RESOURCE_TYPE);

    // Assess: emails compare without regard to case, so the first is the work address already there.
    expect(patched).toEqual({
      ...oktaUser(),
      emails: [
        { primary: true, value: 'test.user@okta.local', type: 'work' },
        { value: 'home@okta.local', type: 'home' },
      ],
    });
  });

  it('adds one element given as an object, not a list', () => {
    const patch = [{ op: 'add', path: 'members', value: { value: 'c0ffee' } }];

    expect(applyScimPatch(oktaGroup(), patch, GROUP_RESOURCE_TYPE)).toEqual({
      ...oktaGroup(),
      members: [...(oktaGroup().members as unknown[]), { value: 'c0ffee' }],
    });
  });

  it('keeps one primary email: a new primary takes it from the old', () => {
    // Prepare
    const patch = [
      { op: 'add', path: 'emails', value: [{ value: 'new@okta.local', type: 'home', primary: 'True' }] },
    ];

    // Act
    const patched = applyScimPatch(oktaUser(), patch, USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({
      ...oktaUser(),
      emails: [
        { primary: false, value: 'test.user@okta.local', type: 'work' },
        { value: 'new@okta.local', type: 'home', primary: true },
      ],
    });
  });

  it('replaces a complex attribute sub-attribute by sub-attribute, null unassigning one', () => {
    // Prepare: §3.5.2.3, "Sub-attributes that are not specified in the value parameter are left unchanged".
    const patch = [{ op: 'replace', path: 'name', value: { givenName: 'Ada', formatted: null } }];

    // Act
    const patched = applyScimPatch(entraUser(), patch, USER_RESOURCE_TYPE);

    // Assess
    expect(patched).toEqual({ ...entraUser(), name: { familyName: 'familyName', givenName: 'Ada' } });
  });

  it('adds a sub-attribute to a complex attribute the resource does not have', () => {
    const user = without(oktaUser(), 'name');

    expect(
      applyScimPatch(user, [{ op: 'add', path: 'name.givenName', value: 'Ada' }], USER_RESOURCE_TYPE),
    ).toEqual({
      ...user,
      name: { givenName: 'Ada' },
    });
  });

  it('replaces a whole element chosen by a filter', () => {
    // Prepare: §3.5.2.3, "all matching record values SHALL be replaced".
    const patch = [
      { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'ada@okta.local', type: 'work' } },
    ];

    // Act / Assess
    expect(applyScimPatch(oktaUser(), patch, USER_RESOURCE_TYPE)).toEqual({
      ...oktaUser(),
      emails: [{ value: 'ada@okta.local', type: 'work' }],
    });
  });

  it('replaces on an attribute without values as an add, creating the element the filter describes', () => {
    // Prepare: §3.5.2.3, an attribute "that does not exist" is treated as an add.
    const user = without(oktaUser(), 'emails');
    const patch = [
      { op: 'replace', path: 'emails[type eq "work" and primary eq true].value', value: 'ada@okta.local' },
    ];

    // Act / Assess
    expect(applyScimPatch(user, patch, USER_RESOURCE_TYPE)).toEqual({
      ...user,
      emails: [{ type: 'work', primary: true, value: 'ada@okta.local' }],
    });
  });

  it('removes every element a filter matches', () => {
    const patch = [
      {
        op: 'remove',
        path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e" or value eq "b1c794f24f4c49f4b5d503a4cb2686ea"]',
      },
    ];

    expect(applyScimPatch(oktaGroup(), patch, GROUP_RESOURCE_TYPE)).toEqual(without(oktaGroup(), 'members'));
  });

  it('removes a sub-attribute of the elements a filter matches', () => {
    expect(
      applyScimPatch(
        oktaUser(),
        [{ op: 'remove', path: 'emails[type eq "work"].primary' }],
        USER_RESOURCE_TYPE,
      ),
    ).toEqual({ ...oktaUser(), emails: [{ value: 'test.user@okta.local', type: 'work' }] });
  });

  it('removes a single-valued attribute and a sub-attribute', () => {
    // Act
    const patched = applyScimPatch(
      oktaUser(),
      [
        { op: 'remove', path: 'displayName' },
        { op: 'remove', path: 'name.familyName' },
      ],
      USER_RESOURCE_TYPE,
    );

    // Assess
    expect(patched).toEqual({ ...without(oktaUser(), 'displayName'), name: { givenName: 'Test' } });
  });

  it('reads a path-less value holding an extension by its URN, and a core URN-prefixed path', () => {
    // Prepare
    const patch = [
      { op: 'add', value: { [ENTERPRISE]: { department: 'Physics', costCenter: '4130' } } },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:title', value: 'Lecturer' },
    ];

    // Act / Assess
    expect(applyScimPatch(oktaUser(), patch, USER_RESOURCE_TYPE)).toEqual({
      ...oktaUser(),
      schemas: [USER, ENTERPRISE],
      [ENTERPRISE]: { department: 'Physics', costCenter: '4130' },
      title: 'Lecturer',
    });
  });

  it('leaves a read-only attribute written with the value it has', () => {
    const patch = [{ op: 'replace', value: { id: '23a35c27-23d3-4c03-b4c5-6443c09e7173', meta: META } }];

    expect(applyScimPatch(oktaUser(), patch, USER_RESOURCE_TYPE)).toEqual(oktaUser());
  });
});

describe('applyScimPatch: refusals', () => {
  it.each([
    ['replace id', [{ op: 'replace', path: 'id', value: 'x' }], 'Operations[0].path: id is read-only.'],
    ['remove id', [{ op: 'remove', path: 'id' }], 'Operations[0].path: id is read-only.'],
    [
      'an id in a path-less value',
      [{ op: 'replace', value: { displayName: 'X', id: 'other' } }],
      'Operations[0].value.id: id is read-only.',
    ],
    [
      'meta.lastModified',
      [{ op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' }],
      'Operations[0].path: meta is read-only.',
    ],
    [
      "the manager's displayName",
      [{ op: 'add', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' }],
      `Operations[0].path: ${ENTERPRISE}:manager.displayName is read-only.`,
    ],
    [
      'the removal of the required userName, after a valid operation',
      [
        { op: 'replace', path: 'title', value: 'Guide' },
        { op: 'remove', path: 'userName' },
      ],
      'Operations[1].path: userName is required and cannot be removed.',
    ],
    [
      'a userName set to null',
      [{ op: 'replace', value: { userName: null } }],
      'Operations[0].value.userName: userName is required and cannot be removed.',
    ],
  ])('refuses to change a read-only or required attribute: %s', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch)).toMatchObject({ status: 400, scimType: 'mutability', detail });
  });

  it("refuses to change an immutable member's value", () => {
    // Prepare
    const patch = [
      { op: 'replace', path: 'members[value eq "b1c794f24f4c49f4b5d503a4cb2686ea"].value', value: 'c0ffee' },
    ];

    // Act / Assess
    expect(refusal(oktaGroup(), patch, GROUP_RESOURCE_TYPE)).toMatchObject({
      scimType: 'mutability',
      detail: 'Operations[0].path: members.value cannot change once set; remove the element and add another.',
    });
  });

  it('refuses a remove without a path (RFC 7644 §3.5.2.2)', () => {
    expect(refusal(oktaUser(), [{ op: 'remove' }])).toMatchObject({
      scimType: 'noTarget',
      detail: 'Operations[0]: remove needs a path naming what to remove.',
    });
  });

  it.each([
    [
      'a filter matching no member',
      [{ op: 'remove', path: 'members[value eq "not-a-member"]' }],
      'Operations[0].path: no element of members matches the filter.',
    ],
    [
      'listed members that are not there',
      [{ op: 'Remove', path: 'members', value: [{ value: 'not-a-member' }] }],
      'Operations[0].path: none of the listed elements is in members.',
    ],
    [
      'an attribute without a value',
      [{ op: 'remove', path: 'externalId' }],
      'Operations[0].path: externalId has no value to remove.',
    ],
  ])('refuses to remove %s with noTarget', (_label, patch, detail) => {
    expect(refusal(oktaGroup(), patch, GROUP_RESOURCE_TYPE)).toMatchObject({ scimType: 'noTarget', detail });
  });

  it.each([
    [
      'a replace whose filter matches no element of a multi-valued attribute with values',
      [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'home@okta.local' }],
      'Operations[0].path: no element of emails matches the filter.',
    ],
    [
      'an add whose filter cannot describe a new element',
      [{ op: 'add', path: 'emails[type ne "work"].value', value: 'home@okta.local' }],
      'Operations[0].path: no element of emails matches the filter, and a new one can only be made from a filter of eq terms joined by and.',
    ],
  ])('refuses %s', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch)).toMatchObject({ scimType: 'noTarget', detail });
  });

  it.each([
    [
      'an attribute the LMS does not keep (Entra ID\'s "add a single-value string attribute" nickName)',
      [{ op: 'Add', path: 'nickName', value: 'Babs' }],
      'Operations[0].path: Unknown attribute "nickName" at character 1: /Schemas lists the attributes there are.',
    ],
    [
      'an unknown key of a path-less value',
      [{ op: 'replace', value: { active: false, phoneNumbers: [] } }],
      'Operations[0].value.phoneNumbers: Unknown attribute "phoneNumbers" at character 1: /Schemas lists the attributes there are.',
    ],
    [
      'an unknown sub-attribute in a value',
      [{ op: 'replace', path: 'name', value: { middleName: 'J' } }],
      'Operations[0].value.middleName: name has no sub-attribute "middleName"; it has formatted, familyName, givenName.',
    ],
    [
      'a sub-attribute of every element at once',
      [{ op: 'replace', path: 'emails.value', value: 'x@okta.local' }],
      'Operations[0].path: emails is multi-valued; name its elements with a filter, like emails[value eq "…"].value.',
    ],
    [
      'a filter on a single-valued attribute',
      [{ op: 'replace', path: 'title[value eq "x"]', value: 'y' }],
      'Operations[0].path: Only multi-valued attributes take a [filter]; title at character 1 is not one.',
    ],
    [
      'text after the path',
      [{ op: 'replace', path: 'title x', value: 'y' }],
      'Operations[0].path: Expected the end of the path at character 7, found "x".',
    ],
    [
      'an empty path',
      [{ op: 'replace', path: '', value: 'y' }],
      'Operations[0].path: Expected an attribute name at the end, found nothing.',
    ],
  ])('refuses %s with invalidPath', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch)).toMatchObject({ scimType: 'invalidPath', detail });
  });

  it.each([
    [
      'an unclosed filter',
      [{ op: 'remove', path: 'emails[type eq "work"' }],
      'Operations[0].path: Expected ] to close the [ at character 7, found nothing at the end.',
    ],
    [
      'an unknown sub-attribute in the filter',
      [{ op: 'remove', path: 'emails[kind eq "work"]' }],
      'Operations[0].path: Unknown sub-attribute "kind" of emails at character 8: it has value, display, type, primary.',
    ],
  ])('refuses %s with invalidFilter', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch)).toMatchObject({ scimType: 'invalidFilter', detail });
  });

  it.each([
    [
      'a string that is not a boolean ("active": "yes")',
      [{ op: 'replace', value: { active: 'yes' } }],
      'Operations[0].value.active: active is a boolean (true or false), not "yes".',
    ],
    [
      'a number for a string',
      [{ op: 'replace', path: 'userName', value: 42 }],
      'Operations[0].value: userName is a string, not 42.',
    ],
    [
      'an object for a string',
      [{ op: 'add', path: 'title', value: { value: 'Guide' } }],
      'Operations[0].value: title is a string, not {"value":"Guide"}.',
    ],
    [
      'a string for a complex attribute',
      [{ op: 'replace', path: 'name', value: 'Ada Lovelace' }],
      'Operations[0].value: name takes an object of its sub-attributes, not "Ada Lovelace".',
    ],
    [
      'a wrong type inside an element',
      [{ op: 'add', path: 'emails', value: [{ value: 'a@okta.local', primary: 'maybe' }] }],
      'Operations[0].value[0].primary: primary is a boolean (true or false), not "maybe".',
    ],
    [
      'two primary emails',
      [
        {
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a@okta.local', primary: true },
            { value: 'b@okta.local', primary: true },
          ],
        },
      ],
      'Operations[0].value: only one element of emails may be primary.',
    ],
    [
      'a path-less value that is not an object',
      [{ op: 'replace', value: 'inactive' }],
      'Operations[0].value must be an object of attributes when there is no path, not "inactive".',
    ],
    [
      'an extension URN whose value is not an object',
      [{ op: 'replace', value: { [ENTERPRISE]: 'Physics' } }],
      `Operations[0].value.${ENTERPRISE} must be an object of that schema's attributes, not "Physics".`,
    ],
  ])('refuses %s with invalidValue', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch)).toMatchObject({ scimType: 'invalidValue', detail });
  });

  it.each([
    [
      'an operation that is not an object',
      ['replace'],
      'Operations[0] must be an object with op, path and value.',
    ],
    [
      'a missing op',
      [{ path: 'title', value: 'x' }],
      'Operations[0].op must be add, replace or remove, not undefined.',
    ],
    [
      'an unknown op',
      [{ op: 'delete', path: 'title' }],
      'Operations[0].op must be add, replace or remove, not "delete".',
    ],
    [
      'an op that is not a string',
      [{ op: 1, path: 'title' }],
      'Operations[0].op must be add, replace or remove, not 1.',
    ],
    [
      'a path that is not a string',
      [{ op: 'remove', path: ['title'] }],
      'Operations[0].path must be a string, not ["title"].',
    ],
    [
      'an unknown member',
      [{ op: 'replace', Path: 'title', value: 'x' }],
      'Operations[0] has "Path": an operation has op, path and value.',
    ],
    ['an add without a value', [{ op: 'add', path: 'title' }], 'Operations[0]: add needs a value.'],
    [
      'a remove with a value for a single-valued attribute',
      [{ op: 'remove', path: 'title', value: 'x' }],
      'Operations[0].value: remove takes a value only to list elements of a multi-valued attribute.',
    ],
    ['no operations', [], 'Operations must hold at least one operation.'],
  ])('refuses %s with invalidSyntax', (_label, patch, detail) => {
    expect(refusal(oktaUser(), patch as unknown[])).toMatchObject({ scimType: 'invalidSyntax', detail });
  });

  it('changes nothing when a later operation fails', () => {
    // Prepare
    const user: ScimResource = oktaUser();
    const patch = [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'id', value: 'stolen' },
    ];

    // Act
    const error = refusal(user as Record<string, unknown>, patch);

    // Assess: refusal checked that the user is as before.
    expect(error.detail).toBe('Operations[1].path: id is read-only.');
  });
});

describe('readScimPatchRequest', () => {
  it('returns the operations of a PatchOp message', () => {
    // Prepare
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] };

    // Act / Assess
    expect(readScimPatchRequest(body)).toEqual([{ op: 'replace', value: { active: false } }]);
  });

  it.each([
    [
      'a body that is not an object',
      [],
      `A PATCH body is a JSON object with schemas ["${PATCH_OP}"] and Operations.`,
    ],
    ['no schemas', { Operations: [] }, `schemas must be ["${PATCH_OP}"], not undefined.`],
    [
      'another schema',
      { schemas: [USER], Operations: [] },
      `schemas must be ["${PATCH_OP}"], not ["${USER}"].`,
    ],
    [
      'an unknown schema beside PatchOp',
      { schemas: [PATCH_OP, 'urn:example:custom'], Operations: [] },
      `schemas must be ["${PATCH_OP}"], not ["${PATCH_OP}","urn:example:custom"].`,
    ],
    [
      'no operations',
      { schemas: [PATCH_OP], Operations: [] },
      'Operations must be a list of one or more operations.',
    ],
    [
      'operations under another name',
      { schemas: [PATCH_OP], operations: [{ op: 'add' }] },
      'Operations must be a list of one or more operations.',
    ],
  ])('refuses %s with invalidSyntax', (_label, body, detail) => {
    expect(() => readScimPatchRequest(body)).toThrow(
      expect.objectContaining({ scimType: 'invalidSyntax', detail }),
    );
  });
});

describe('ScimError', () => {
  it('writes the RFC 7644 §3.12 error body, status as a string', () => {
    // Prepare
    const error = refusal(oktaUser(), [{ op: 'remove' }]);

    // Act / Assess
    expect(error.toScimErrorBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'noTarget',
      detail: 'Operations[0]: remove needs a path naming what to remove.',
    });
  });

  it('leaves scimType out when there is none (404)', () => {
    expect(new ScimError(404, undefined, 'No User with id 5171a35d.').toScimErrorBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'No User with id 5171a35d.',
    });
  });
});

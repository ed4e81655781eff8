/** Static cohorts as SCIM Groups, and which members a PATCH can touch (so a large group is not read whole). */
import { describe, expect, it } from 'vitest';
import type { Cohort } from '../../../shared/domain/cohort.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import { membersTouched, scimGroup, scimGroupFields } from '../../../shared/scim/groups.ts';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BASE = 'https://lms.example.com/scim/v2';
const A = '2819c223-7f76-453a-919d-413861904646';
const B = '902c246b-6245-4190-8e05-00816be7344a';

const cohort: Cohort = {
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  name: 'Tour Guides',
  description: '',
  kind: 'static',
  rule: null,
  externalId: '8aa1a0c0',
  memberCount: 2,
  createdAt: '2010-01-23T04:56:22.000Z',
  updatedAt: '2011-05-13T04:42:34.000Z',
  version: 2,
};

describe('scimGroup', () => {
  it('shows a cohort with its members, or without them when none were read', () => {
    const meta = {
      resourceType: 'Group',
      created: '2010-01-23T04:56:22.000Z',
      lastModified: '2011-05-13T04:42:34.000Z',
      location: `${BASE}/Groups/${cohort.id}`,
      version: 'W/"2"',
    };
    expect(scimGroup(cohort, [A], BASE)).toEqual({
      schemas: [GROUP],
      id: cohort.id,
      externalId: '8aa1a0c0',
      displayName: 'Tour Guides',
      members: [{ value: A, $ref: `${BASE}/Users/${A}`, type: 'User' }],
      meta,
    });
    expect(scimGroup(cohort, undefined, BASE)).toEqual({
      schemas: [GROUP],
      id: cohort.id,
      externalId: '8aa1a0c0',
      displayName: 'Tour Guides',
      meta,
    });
  });
});

describe('scimGroupFields', () => {
  it('reads the name, external id and member ids, each once', () => {
    expect(
      scimGroupFields({
        schemas: [GROUP],
        displayName: 'Tour Guides',
        members: [{ value: A }, { value: A }, { value: B }],
      }),
    ).toEqual({ name: 'Tour Guides', externalId: null, memberIds: [A, B] });
  });

  it.each([
    [
      { displayName: 'x'.repeat(121) },
      'displayName is not valid: Too big: expected string to have <=120 characters.',
    ],
    [{ displayName: 'G', externalId: 'a\nb' }, 'externalId is not valid: no control characters.'],
    [
      { displayName: 'G', members: [{ value: 'f648f8d5ea4e4cd38e9c' }] },
      'members[0].value must be the id of a User, not "f648f8d5ea4e4cd38e9c".',
    ],
  ])('refuses %j', (fields, detail) => {
    expect(() => scimGroupFields({ schemas: [GROUP], ...fields })).toThrow(
      new ScimError(400, 'invalidValue', detail),
    );
  });
});

describe('membersTouched', () => {
  it.each([
    [
      'Okta’s remove by filter and add',
      [
        { op: 'remove', path: `members[value eq "${A}"]` },
        { op: 'add', path: 'members', value: [{ value: B }] },
      ],
      { all: false, ids: [A, B] },
    ],
    [
      'Entra ID’s Add with $ref null',
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: A }] }],
      { all: false, ids: [A] },
    ],
    [
      'Entra ID’s Remove with a value list',
      [{ op: 'Remove', path: 'members', value: [{ value: B }] }],
      { all: false, ids: [B] },
    ],
    ['an add without a path', [{ op: 'add', value: { members: [{ value: A }] } }], { all: false, ids: [A] }],
    [
      'Okta’s rename, which names no member',
      [{ op: 'replace', value: { id: 'g', displayName: 'New' } }],
      { all: false, ids: [] },
    ],
    [
      'Okta’s full push (replace members)',
      [{ op: 'replace', path: 'members', value: [{ value: A }] }],
      { all: true },
    ],
    [
      'a replace without a path that lists members',
      [{ op: 'replace', value: { members: [] } }],
      { all: true },
    ],
    ['a remove of every member', [{ op: 'remove', path: 'members' }], { all: true }],
    [
      'a filter on something else than one value',
      [{ op: 'remove', path: 'members[display co "a"]' }],
      { all: true },
    ],
  ])('reaches %s', (_name, operations, expected) => {
    expect(membersTouched(operations)).toEqual(expected);
  });
});

/** attributes and excludedAttributes (RFC 7644 §3.4.2.5): what a response carries, and what the server reads. */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors.ts';
import { carriesAttribute, projectScimResource } from '../../../shared/scim/projection.ts';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../shared/scim/schema.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const user = {
  schemas: [USER, ENTERPRISE],
  id: 'u1',
  externalId: '701984',
  userName: 'bjensen@example.com',
  name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'm1', $ref: 'https://x/Users/m1' } },
  meta: { resourceType: 'User', version: 'W/"3"' },
};

describe('projectScimResource', () => {
  it('answers every default attribute when nothing is asked', () => {
    expect(projectScimResource(user, USER_RESOURCE_TYPE, {})).toEqual(user);
  });

  it.each([
    [
      'attributes=userName',
      { attributes: 'userName' },
      { schemas: user.schemas, id: 'u1', userName: 'bjensen@example.com' },
    ],
    [
      'sub-attributes and an extension attribute, any case, the core URN written out',
      { attributes: `${USER}:name.GIVENNAME,emails.value,${ENTERPRISE}:manager.value` },
      {
        schemas: user.schemas,
        id: 'u1',
        name: { givenName: 'Barbara' },
        emails: [{ value: 'bjensen@example.com' }],
        [ENTERPRISE]: { manager: { value: 'm1' } },
      },
    ],
    [
      'excludedAttributes of whole and sub-attributes (id is always returned)',
      { excludedAttributes: `id,emails,meta,name.formatted,${ENTERPRISE}:employeeNumber` },
      {
        schemas: user.schemas,
        id: 'u1',
        externalId: '701984',
        userName: 'bjensen@example.com',
        name: { familyName: 'Jensen', givenName: 'Barbara' },
        active: true,
        [ENTERPRISE]: { manager: { value: 'm1', $ref: 'https://x/Users/m1' } },
      },
    ],
  ])('answers %s', (_name, projection, expected) => {
    expect(projectScimResource(user, USER_RESOURCE_TYPE, projection)).toEqual(expected);
  });

  it('refuses an attribute the resource type does not have', () => {
    expect(() => projectScimResource(user, USER_RESOURCE_TYPE, { excludedAttributes: 'nickName' })).toThrow(
      new ScimError(
        400,
        'invalidValue',
        'excludedAttributes: User has no attribute "nickName"; /Schemas lists the attributes there are.',
      ),
    );
  });
});

describe('carriesAttribute', () => {
  it.each([
    [{}, true],
    [{ excludedAttributes: 'members' }, false],
    [{ excludedAttributes: 'members.display' }, true],
    [{ attributes: 'displayName' }, false],
    [{ attributes: 'members.value' }, true],
  ])('says whether a Group answered for %j carries members', (projection, expected) => {
    expect(carriesAttribute(GROUP_RESOURCE_TYPE, projection, 'members')).toBe(expected);
    const group = { schemas: [GROUP], id: 'g1', displayName: 'G', members: [{ value: 'u1', display: 'U' }] };
    expect('members' in projectScimResource(group, GROUP_RESOURCE_TYPE, projection)).toBe(expected);
  });
});

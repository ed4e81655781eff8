/**
 * The lifecycle Microsoft Entra ID's provisioning service runs against a SCIM 2.0 server, with the requests of
 * its "Develop and plan provisioning for a SCIM endpoint" tutorial (learn.microsoft.com, "SCIM protocol
 * requests and responses"): query by userName (none), create, query again, PATCH multi- and single-valued
 * properties (op in capitals), groups created empty, found by displayName with excludedAttributes=members,
 * members added and removed by PATCH (204), disable with PATCH, delete (204, then 404). Between them the LMS's
 * part: cohort sync enrolls the group's members in the linked course, the person signs in, and once disabled
 * is refused; the deleted person stays in the LMS, suspended.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, freshTokenFor, tokenFor } from '../support/http.ts';
import {
  ENTERPRISE,
  ERROR,
  eventually,
  firstSignIn,
  GROUP,
  LIST,
  PATCH_OP,
  scim,
  scimToken,
  USER,
} from '../support/scim.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

let entra: string;
let admin: string;

beforeAll(async () => {
  entra = await scimToken('Entra ID provisioning');
  admin = await tokenFor('admin@example.com');
});

/** Entra ID's Create User request (its tutorial), for a person of this run. */
function entraUser(userName: string, email: string, externalId: string) {
  return {
    schemas: [USER, ENTERPRISE],
    externalId,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
  };
}

describe('Microsoft Entra ID provisioning', () => {
  it('runs Entra ID’s lifecycle: query, create, PATCH, groups, cohort sync, disable, refused sign-in, delete', async () => {
    const suffix = randomUUID();
    const userName = `Test_User_${suffix}`;
    const email = `test_user_${suffix.slice(0, 8)}@testuser.com`;
    const externalId = randomUUID();
    const byUserName = `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

    // 1. Get User by query, zero results: 200 ListResponse with totalResults 0
    const none = await scim('GET', byUserName, entra);
    expect(none.status).toBe(200);
    expect(none.json).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    // 2. Create User: 201 with the id; roles and meta sent are not kept, the enterprise extension is empty
    const created = await scim('POST', '/Users', entra, entraUser(userName, email, externalId));
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toEqual({
      schemas: [USER],
      id,
      externalId,
      userName,
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      displayName: 'givenName familyName',
      active: true,
      emails: [{ value: email, type: 'work', primary: true }],
      meta: {
        resourceType: 'User',
        created: expect.stringMatching(ISO),
        lastModified: expect.stringMatching(ISO),
        location: expect.stringMatching(new RegExp(`/scim/v2/Users/${id}$`)),
        version: 'W/"1"',
      },
    });

    // 3. Get User, Get User by query (userName; Entra also matches on the work email and externalId)
    expect((await scim('GET', `/Users/${id}`, entra)).json).toEqual(created.json);
    const found = await scim('GET', byUserName, entra);
    expect(found.json).toMatchObject({ schemas: [LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.json.Resources).toEqual([created.json]);
    const byWorkEmail = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${email}"`)}`,
      entra,
    );
    expect(byWorkEmail.json.Resources.map((user: { id: string }) => user.id)).toEqual([id]);
    const byExternalId = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`,
      entra,
    );
    expect(byExternalId.json.totalResults).toBe(1);
    // A GET of an id that is no one's: 404 with the SCIM error body
    const unknown = await scim('GET', '/Users/5171a35d82074e068ce2', entra);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      schemas: [ERROR],
      status: '404',
      detail: 'No User with id 5171a35d82074e068ce2.',
    });

    // 4. Update User [Multi-valued properties]: Replace the work email and the family name
    const newEmail = `updated_${suffix.slice(0, 8)}@testuser.com`;
    const multi = await scim('PATCH', `/Users/${id}`, entra, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: newEmail },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(multi.status).toBe(200);
    expect(multi.json).toMatchObject({
      id,
      name: {
        formatted: 'givenName updatedFamilyName',
        familyName: 'updatedFamilyName',
        givenName: 'givenName',
      },
      emails: [{ value: newEmail, type: 'work', primary: true }],
      meta: { version: 'W/"2"' },
    });

    // 5. Update User [Single-valued properties]: Replace userName; then the enterprise attributes Entra maps
    const renamedUser = `${suffix}@testuser.com`;
    const single = await scim('PATCH', `/Users/${id}`, entra, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'userName', value: renamedUser }],
    });
    expect(single.status).toBe(200);
    expect(single.json).toMatchObject({ id, userName: renamedUser, meta: { version: 'W/"3"' } });
    const enterprise = await scim('PATCH', `/Users/${id}`, entra, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '100009' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'Add', path: 'title', value: 'Account Executive' },
      ],
    });
    expect(enterprise.status).toBe(200);
    expect(enterprise.json).toMatchObject({
      schemas: [USER, ENTERPRISE],
      title: 'Account Executive',
      [ENTERPRISE]: { employeeNumber: '100009', department: 'Sales' },
    });
    // Sales is a department of the LMS: the person is in it now, the employee number a custom attribute
    const person = await api('GET', `/users/${id}`, { token: admin });
    expect(person.json).toMatchObject({
      jobTitle: 'Account Executive',
      customAttributes: { employeeNumber: '100009' },
      departmentId: expect.any(String),
    });

    // 6. Create Group (with Entra's ADSCIM schema), found by displayName without members, then members added
    const displayName = uniqueName('displayName');
    const groupExternalId = randomUUID();
    const group = await scim('POST', '/Groups', entra, {
      schemas: [GROUP, ADSCIM],
      externalId: groupExternalId,
      displayName,
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    const groupId = group.json.id as string;
    expect(group.json).toEqual({
      schemas: [GROUP],
      id: groupId,
      externalId: groupExternalId,
      displayName,
      members: [],
      meta: {
        resourceType: 'Group',
        created: expect.stringMatching(ISO),
        lastModified: expect.stringMatching(ISO),
        location: expect.stringMatching(new RegExp(`/scim/v2/Groups/${groupId}$`)),
        version: 'W/"1"',
      },
    });
    const byDisplayName = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`,
      entra,
    );
    expect(byDisplayName.json).toEqual({
      schemas: [LIST],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
      Resources: [
        { schemas: [GROUP], id: groupId, externalId: groupExternalId, displayName, meta: group.json.meta },
      ],
    });
    const withoutMembers = await scim('GET', `/Groups/${groupId}?excludedAttributes=members`, entra);
    expect(withoutMembers.status).toBe(200);
    expect(withoutMembers.json.members).toBeUndefined();

    const course = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Code of conduct') },
    });
    await api('POST', `/cohorts/${groupId}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'withdraw' },
    });
    const other = await scim(
      'POST',
      '/Users',
      entra,
      entraUser(`Other_${suffix}`, `other_${suffix.slice(0, 8)}@testuser.com`, randomUUID()),
    );
    const addMembers = await scim('PATCH', `/Groups/${groupId}`, entra, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: id },
            { $ref: null, value: other.json.id },
          ],
        },
      ],
    });
    expect(addMembers.status).toBe(204);
    // Entra asks whether someone is a member by filter
    const isMember = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${groupId}" and members[value eq "${id}"]`)}`,
      entra,
    );
    expect(isMember.json.totalResults).toBe(1);

    // Both members are enrolled in the linked course through cohort sync
    const enrolled = await eventually(
      () => api('GET', `/courses/${course.json.id}/enrollments`, { token: admin }),
      (response) => response.json.items.length === 2,
    );
    expect(enrolled.json.items.map((item: { userId: string }) => item.userId).sort()).toEqual(
      [id, other.json.id].sort(),
    );

    // 7. Update Group [Remove Members] (a value list, as Entra sends it) and [Non-member attributes]: 204 each
    const removeMembers = await scim('PATCH', `/Groups/${groupId}`, entra, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: other.json.id }] }],
    });
    expect(removeMembers.status).toBe(204);
    const renameGroup = await scim('PATCH', `/Groups/${groupId}`, entra, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: `${displayName}updatedDisplayName` }],
    });
    expect(renameGroup.status).toBe(204);
    // The leaver's enrollment is withdrawn (the link's leave policy), the member's stays
    const settled = await eventually(
      () => api('GET', `/courses/${course.json.id}/enrollments`, { token: admin }),
      (response) =>
        response.json.items.some(
          (item: { userId: string; status: string }) =>
            item.userId === other.json.id && item.status === 'withdrawn',
        ),
    );
    expect(
      settled.json.items.map((item: { userId: string; status: string }) => [item.userId, item.status]).sort(),
    ).toEqual(
      [
        [id, 'enrolled'],
        [other.json.id, 'withdrawn'],
      ].sort(),
    );

    // 8. The person signs in; Entra disables them (Replace active false): they are refused
    const before = await firstSignIn(newEmail);
    expect((await api('GET', `/users/${id}`, { token: before })).status).toBe(200);
    const disabled = await scim('PATCH', `/Users/${id}`, entra, {
      Operations: [{ op: 'Replace', path: 'active', value: false }],
      schemas: [PATCH_OP],
    });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ id, active: false });
    await expect(freshTokenFor(newEmail)).rejects.toThrow(/suspended/);
    expect((await api('GET', `/users/${id}`, { token: before })).status).toBe(403);

    // 9. Delete User: 204, then 404 for SCIM; the LMS keeps the person, suspended, with their enrollment
    const deleted = await scim('DELETE', `/Users/${id}`, entra);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await scim('GET', `/Users/${id}`, entra);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ schemas: [ERROR], status: '404', detail: `No User with id ${id}.` });
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${renamedUser}"`)}`, entra)).json
        .totalResults,
    ).toBe(0);
    const kept = await api('GET', `/users/${id}`, { token: admin });
    expect(kept.json).toMatchObject({
      status: 'suspended',
      scim: { userName: renamedUser, deletedAt: expect.stringMatching(ISO) },
    });
    const access = await api('GET', `/users/${id}/access`, { token: admin });
    expect(access.json.reasons).toContainEqual(
      expect.stringMatching(/deleted by it .*, which suspended the profile\.$/),
    );

    // 10. Delete Group: 204, then 404
    expect((await scim('DELETE', `/Groups/${groupId}`, entra)).status).toBe(204);
    expect((await scim('GET', `/Groups/${groupId}`, entra)).status).toBe(404);
  });
});

/**
 * The lifecycle Okta runs against a SCIM 2.0 server, with the requests of Okta's "SCIM 2.0 Protocol
 * Reference" (developer.okta.com/docs/reference/scim/scim-20): find by userName, create, read, update by PUT,
 * push a group and its members, rename it, deactivate with PATCH, unlink the group. Between them, what the
 * LMS does with it: cohort sync enrolls the group's members in the course linked to its cohort, the person
 * signs in, and once deactivated is refused. Every status and body is checked as the RFC and Okta say.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, freshTokenFor, tokenFor } from '../support/http.ts';
import { ERROR, eventually, firstSignIn, GROUP, LIST, PATCH_OP, scim, USER } from '../support/scim.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let okta: string;
let oktaTokenId: string;
let admin: string;

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  // The SCIM token an administrator makes for Okta's "HTTP Header" authentication
  const made = await api('POST', '/scim-tokens', {
    token: admin,
    body: { description: `Okta SCIM ${randomUUID().slice(0, 8)}` },
  });
  expect(made.status, made.text).toBe(201);
  okta = made.json.secret;
  oktaTokenId = made.json.token.id;
});

/** Okta's POST /Users body (its reference), for a person of this run. */
function oktaUser(userName: string, externalId: string, givenName: string) {
  return {
    schemas: [USER],
    userName,
    name: { givenName, familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${givenName} User`,
    locale: 'en-US',
    externalId,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

describe('Okta provisioning', () => {
  it('runs Okta’s lifecycle: find, create, update, group push, cohort sync, deactivate, refused sign-in', async () => {
    const suffix = randomUUID().slice(0, 8);
    const userName = `test.user.${suffix}@okta.local`;
    const externalId = `00ujl29u0le5${suffix}`;

    // 1. Okta looks the person up by userName before creating them: not there is 200 with no resources
    const lookup = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`,
      okta,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.headers.get('content-type')).toBe('application/scim+json');
    expect(lookup.json).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    // 2. POST /Users with Okta's body: 201, the User with its id (password, locale and groups are not kept)
    const created = await scim('POST', '/Users', okta, oktaUser(userName, externalId, 'Test'));
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const location = `${created.json.meta.location}`;
    expect(created.json).toEqual({
      schemas: [USER],
      id: expect.any(String),
      externalId,
      userName,
      name: { formatted: 'Test User', familyName: 'User', givenName: 'Test' },
      displayName: 'Test User',
      active: true,
      emails: [{ value: userName, type: 'work', primary: true }],
      meta: {
        resourceType: 'User',
        created: expect.stringMatching(ISO),
        lastModified: expect.stringMatching(ISO),
        location: expect.stringMatching(new RegExp(`^http://[^/]+/scim/v2/Users/${id}$`)),
        version: 'W/"1"',
      },
    });
    expect(created.headers.get('location')).toBe(location);
    expect(created.headers.get('etag')).toBe('W/"1"');
    // Audited with the token that made the change
    const trail = await api('GET', `/audit?target=user:${id}`, { token: admin });
    expect(
      trail.json.items.map((record: { action: string; actor: { sub: string } }) => [
        record.action,
        record.actor.sub,
      ]),
    ).toEqual([['user.created', `client:scim-token:${oktaTokenId}`]]);

    // The same userName again (any case) is a conflict Okta stops on: 409 uniqueness
    const again = await scim(
      'POST',
      '/Users',
      okta,
      oktaUser(userName.toUpperCase(), `${externalId}x`, 'Test'),
    );
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      schemas: [ERROR],
      status: '409',
      scimType: 'uniqueness',
      detail: `The userName ${userName.toUpperCase()} is already in use.`,
    });

    // 3. Found by userName now, and read by id
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, okta);
    expect(found.json).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.json.Resources).toEqual([created.json]);
    const read = await scim('GET', `/Users/${id}`, okta);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    // 4. Okta's update: GET, then PUT of the whole profile (name.middleName is not kept)
    const put = await scim('PUT', `/Users/${id}`, okta, {
      schemas: [USER],
      id,
      userName,
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: userName, type: 'work', display: userName }],
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      id,
      userName,
      name: { formatted: 'Another User', familyName: 'User', givenName: 'Another' },
      // PUT replaces: what the body leaves out is no longer asserted
      displayName: 'Another User',
      active: true,
      meta: { version: 'W/"2"' },
    });
    expect(put.json.externalId).toBeUndefined();

    // 5. Group push: POST /Groups with Okta's body, then the LMS links the cohort to a course
    const groupName = uniqueName('Test SCIMv2');
    const group = await scim('POST', '/Groups', okta, {
      schemas: [GROUP],
      displayName: groupName,
      members: [],
    });
    expect(group.status).toBe(201);
    const groupId = group.json.id as string;
    expect(group.json).toEqual({
      schemas: [GROUP],
      id: groupId,
      displayName: groupName,
      members: [],
      meta: {
        resourceType: 'Group',
        created: expect.stringMatching(ISO),
        lastModified: expect.stringMatching(ISO),
        location: expect.stringMatching(new RegExp(`/scim/v2/Groups/${groupId}$`)),
        version: 'W/"1"',
      },
    });
    const course = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Security awareness') },
    });
    const link = await api('POST', `/cohorts/${groupId}/courses`, {
      token: admin,
      body: { courseId: course.json.id, onLeave: 'withdraw' },
    });
    expect(link.status).toBe(200);

    // 6. Membership push: Okta's PATCH removes a member who left and adds one who joined, in one request
    const leaver = await scim(
      'POST',
      '/Users',
      okta,
      oktaUser(`leaver.${suffix}@okta.local`, `00uleaver${suffix}`, 'Lea'),
    );
    const firstPush = await scim('PATCH', `/Groups/${groupId}`, okta, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: leaver.json.id, display: leaver.json.userName }] },
      ],
    });
    expect(firstPush.status).toBe(204);
    const push = await scim('PATCH', `/Groups/${groupId}`, okta, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: `members[value eq "${leaver.json.id}"]` },
        { op: 'add', path: 'members', value: [{ value: id, display: userName }] },
      ],
    });
    expect(push.status).toBe(204);
    expect(push.text).toBe('');
    const withMembers = await scim('GET', `/Groups/${groupId}`, okta);
    expect(withMembers.json.members).toEqual([
      { value: id, $ref: expect.stringMatching(new RegExp(`/scim/v2/Users/${id}$`)), type: 'User' },
    ]);

    // The person is enrolled in the linked course through cohort sync
    const enrollments = await eventually(
      () => api('GET', `/courses/${course.json.id}/enrollments`, { token: admin }),
      (response) => response.json.items.some((item: { userId: string }) => item.userId === id),
    );
    const enrollment = enrollments.json.items.find((item: { userId: string }) => item.userId === id);
    expect(enrollment).toMatchObject({ status: 'enrolled', sources: [{ source: 'cohort' }] });

    // 7. Okta renames the group with a PATCH carrying the id back (read-only, unchanged): 204
    const renamed = `${groupName} (renamed)`;
    const rename = await scim('PATCH', `/Groups/${groupId}`, okta, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: groupId, displayName: renamed } }],
    });
    expect(rename.status).toBe(204);
    expect(rename.headers.get('etag')).toBe('W/"2"');
    const byName = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent(`displayName eq "${renamed}"`)}&excludedAttributes=members`,
      okta,
    );
    expect(byName.json.totalResults).toBe(1);
    expect(byName.json.Resources[0]).toMatchObject({ id: groupId, displayName: renamed });
    expect(byName.json.Resources[0].members).toBeUndefined();

    // 8. The person signs in (their login is linked to the profile SCIM made); then Okta deactivates them
    const before = await firstSignIn(userName);
    expect((await api('GET', `/users/${id}`, { token: before })).status).toBe(200);
    const deactivated = await scim('PATCH', `/Users/${id}`, okta, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(deactivated.status).toBe(200);
    // Version 4: the first sign-in linked the login to the profile (version 3)
    expect(deactivated.json).toMatchObject({ id, userName, active: false, meta: { version: 'W/"4"' } });

    // Refused: no new token, and the one from before is refused at once
    await expect(freshTokenFor(userName)).rejects.toThrow(/suspended/);
    const refused = await api('GET', `/users/${id}`, { token: before });
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain('suspended');
    const access = await api('GET', `/users/${id}/access`, { token: admin });
    expect(access.json).toMatchObject({
      lmsStatus: 'suspended',
      canSignIn: false,
      scim: { userName, deletedAt: null, updatedBy: expect.stringMatching(/^client:/) },
    });
    expect(access.json.reasons).toContain(
      'The LMS profile is suspended since ' +
        `${access.json.scim.updatedAt.slice(0, 10)}: Deactivated in the identity provider (SCIM). Reactivate it to let them in.`,
    );

    // 9. Okta unlinks the pushed group, deleting it in the app: 204, then 404
    const deleted = await scim('DELETE', `/Groups/${groupId}`, okta);
    expect(deleted.status).toBe(204);
    const gone = await scim('GET', `/Groups/${groupId}`, okta);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ schemas: [ERROR], status: '404', detail: `No Group with id ${groupId}.` });
  });
});

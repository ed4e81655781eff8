/**
 * Course files over HTTP, ours and Moodle's course upload, as an administrator's script runs them: upload,
 * plan (create, update with diffs, unchanged, errors with line, column and reason), apply (audited as the
 * API's requests), undo (the catalog as it was: created courses removed, changed ones put back).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';
import { importWhen, planOf, uploadImport } from '../support/imports.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

const until = (id: string, statuses: readonly string[]) => importWhen(admin, id, statuses);

// biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON
async function course(body: Record<string, unknown>): Promise<any> {
  const created = await api('POST', '/courses', { token: admin, body });
  expect(created.status, created.text).toBe(201);
  return created.json;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON
async function byCode(code: string): Promise<any> {
  const found = await api('GET', `/courses?code=${encodeURIComponent(code)}`, { token: admin });
  expect(found.status, found.text).toBe(200);
  return found.json.items[0];
}

async function category(name: string, parentId: string | null = null): Promise<string> {
  const created = await api('POST', '/categories', { token: admin, body: { name, parentId } });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

async function applied(id: string) {
  const applying = await api('POST', `/imports/${id}/apply`, { token: admin });
  expect(applying.status, applying.text).toBe(202);
  return until(id, ['applied', 'failed']);
}

async function undone(id: string) {
  const undoing = await api('POST', `/imports/${id}/undo`, { token: admin });
  expect(undoing.status, undoing.text).toBe(202);
  return until(id, ['undone', 'failed']);
}

async function auditActions(target: string): Promise<string[]> {
  const trail = await api('GET', `/audit?target=${target}`, { token: admin });
  expect(trail.status, trail.text).toBe(200);
  return trail.json.items.map((record: { action: string }) => record.action);
}

/** What a course says, its version aside: undo puts a course back as it was, at a new version. */
// biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON
const withoutVersion = (found: any) => {
  const { version: _version, ...rest } = found;
  return rest;
};

describe('a courses file in our format: upload, plan, apply, undo', () => {
  it('plans each row, applies it as the API would, and undo leaves the catalog as it was', async () => {
    // Prepare: a category tree, an owner, a draft, a published course and an archived one
    const u = randomUUID().slice(0, 8);
    const safety = uniqueName('Safety');
    const safetyId = await category(safety);
    const fireId = await category('Fire', safetyId);
    const owner = await api('POST', '/users', {
      token: admin,
      body: { email: `owner.${u}@example.com`, givenName: 'Olive', familyName: 'Owner' },
    });
    expect(owner.status, owner.text).toBe(201);
    const draft = await course({ title: 'Ladders', code: `LAD-${u}`, tags: ['height'] });
    const shown = await course({ title: 'Extinguishers', code: `EXT-${u}` });
    const published = await api('POST', `/courses/${shown.id}/publish`, { token: admin });
    expect(published.status, published.text).toBe(200);
    const old = await course({ title: 'Old forklifts', code: `OLD-${u}` });
    expect((await api('POST', `/courses/${old.id}/archive`, { token: admin })).status).toBe(200);
    const before = {
      draft: await byCode(`LAD-${u}`),
      shown: await byCode(`EXT-${u}`),
      old: await byCode(`OLD-${u}`),
    };
    const file = [
      'code,title,description,category,owner_emails,tags,capacity,self_enrollment,status,custom.area,colour',
      `NEW-${u},Fire drills,"Where to go, and when",${safety}/Fire,owner.${u}@example.com,fire;drill,12,true,published,North,red`,
      `lad-${u},Ladders at height,,,,height;ladder,,,published,,`,
      `EXT-${u},Extinguishers,,,,,,,,,`,
      `OLD-${u},,,,,,,,published,,`,
      `CAP-${u},Capacity,,,,,lots,,,,`,
      `new-${u},Again,,,,,,,,,`,
      `NOTITLE-${u},,,,,,,,,,`,
      `WHO-${u},Who owns it,,,nobody.${u}@example.com,,,,,,`,
      `CAT-${u},No category,,${safety}/Water,,,,,,,`,
    ].join('\n');

    // Act: upload and plan
    const id = await uploadImport(admin, file, { type: 'courses', format: 'lms', fileName: 'courses.csv' });
    const planned = await until(id, ['planned', 'failed']);

    // Assess: one entry per row, in file order
    expect(planned.status, JSON.stringify(planned.failure)).toBe('planned');
    expect(planned.warnings).toEqual(['Columns not imported (unknown to this format): colour.']);
    expect(planned.counts).toMatchObject({ create: 1, update: 1, unchanged: 1, error: 6 });
    const entries = await planOf(admin, id);
    expect(entries.map((entry) => [entry.line, entry.action, entry.error?.column ?? null])).toEqual([
      [2, 'create', null],
      [3, 'update', null],
      [4, 'unchanged', null],
      [5, 'error', 'status'],
      [6, 'error', 'capacity'],
      [7, 'error', 'code'],
      [8, 'error', 'title'],
      [9, 'error', 'owner_emails'],
      [10, 'error', 'category'],
    ]);
    expect(entries[0]?.diffs).toEqual({
      code: { from: null, to: `NEW-${u}` },
      title: { from: null, to: 'Fire drills' },
      description: { from: null, to: 'Where to go, and when' },
      language: { from: null, to: 'en' },
      categoryId: { from: null, to: fireId },
      ownerIds: { from: null, to: [owner.json.id] },
      tags: { from: null, to: ['fire', 'drill'] },
      capacity: { from: null, to: 12 },
      selfEnrollment: { from: null, to: true },
      customFields: { from: null, to: { area: 'North' } },
      status: { from: null, to: 'published' },
    });
    expect(entries[1]?.diffs).toEqual({
      title: { from: 'Ladders', to: 'Ladders at height' },
      tags: { from: ['height'], to: ['height', 'ladder'] },
      status: { from: 'draft', to: 'published' },
    });
    expect(entries.slice(3).map((entry) => entry.error?.reason)).toEqual([
      'Old forklifts is archived: give it the status draft first, then publish it (as an administrator would)',
      '"lots" is not a number of seats from 1',
      `the course new-${u} is on line 2 already: one row per course`,
      'the title is required for a new course',
      `no person with the email nobody.${u}@example.com to own the course`,
      `no category ${safety}/Water`,
    ]);

    // Act: apply
    const done = await applied(id);

    // Assess: the courses are as the plan said, audited as the API's requests
    expect(done.status).toBe('applied');
    expect(done.applied).toEqual({ done: 2, conflicts: 0, conflictsListed: [] });
    const created = await byCode(`NEW-${u}`);
    expect(created).toMatchObject({
      title: 'Fire drills',
      description: 'Where to go, and when',
      categoryId: fireId,
      ownerIds: [owner.json.id],
      tags: ['fire', 'drill'],
      capacity: 12,
      selfEnrollment: true,
      customFields: { area: 'North' },
      status: 'published',
      version: 2,
    });
    // Newest first: created, then published, as the two requests would have it.
    expect(await auditActions(`course:${created.id}`)).toEqual(['course.published', 'course.created']);
    expect(await byCode(`LAD-${u}`)).toMatchObject({
      title: 'Ladders at height',
      status: 'published',
      version: 3,
    });
    expect(await auditActions(`course:${draft.id}`)).toEqual([
      'course.published',
      'course.updated',
      'course.created',
    ]);

    // Act: undo
    const back = await undone(id);

    // Assess: the course created is gone with its code, the one changed is as it was
    expect(back.status).toBe('undone');
    expect(back.undone).toEqual({ restored: 2, refused: 0, refusedListed: [] });
    expect(await byCode(`NEW-${u}`)).toBeUndefined();
    const gone = await api('GET', `/courses/${created.id}`, { token: admin });
    expect(gone.status).toBe(404);
    expect(withoutVersion(await byCode(`LAD-${u}`))).toEqual(withoutVersion(before.draft));
    expect(await byCode(`EXT-${u}`)).toEqual(before.shown);
    expect(await byCode(`OLD-${u}`)).toEqual(before.old);
    // The code is free again: the API takes it
    await course({ title: 'Fire drills, by hand', code: `NEW-${u}` });
  });

  it('refuses to undo a course changed since the import, and leaves it as it is', async () => {
    // Prepare: a file that creates one course and changes another; apply it; someone edits both
    const u = randomUUID().slice(0, 8);
    const kept = await course({ title: 'Manual handling', code: `MAN-${u}` });
    const id = await uploadImport(
      admin,
      ['code,title', `FRESH-${u},Fresh`, `MAN-${u},Manual handling 2`].join('\n'),
      { type: 'courses', format: 'lms', fileName: 'courses.csv' },
    );
    expect((await until(id, ['planned', 'failed'])).status).toBe('planned');
    expect((await applied(id)).status).toBe('applied');
    const fresh = await byCode(`FRESH-${u}`);
    for (const changed of [fresh, await byCode(`MAN-${u}`)]) {
      const edited = await api('PATCH', `/courses/${changed.id}`, {
        token: admin,
        body: { description: 'Edited by hand' },
        headers: { 'If-Match': `"${changed.version}"` },
      });
      expect(edited.status, edited.text).toBe(200);
    }

    // Act
    const back = await undone(id);

    // Assess: both refused (listed as undo met them, from the last change back), both as edited
    expect(back.undone.restored).toBe(0);
    expect(back.undone.refusedListed).toEqual([
      { line: 3, key: `MAN-${u}`, reason: 'changed since the import (now at version 3): left as it is' },
      { line: 2, key: `FRESH-${u}`, reason: 'changed since the import (now at version 2): left as it is' },
    ]);
    expect(await byCode(`FRESH-${u}`)).toMatchObject({ description: 'Edited by hand' });
    expect(await byCode(`MAN-${u}`)).toMatchObject({ id: kept.id, description: 'Edited by hand' });
  });

  it('keeps a course it created that another course has made a prerequisite or a learning path holds', async () => {
    // Prepare: a file that creates two courses; apply it; one becomes a prerequisite, the other joins a path
    const u = randomUUID().slice(0, 8);
    const id = await uploadImport(
      admin,
      ['code,title', `BASE-${u},Basics`, `PATH-${u},Path step`, `LONE-${u},Alone`].join('\n'),
      { type: 'courses', format: 'lms', fileName: 'courses.csv' },
    );
    expect((await until(id, ['planned', 'failed'])).status).toBe('planned');
    expect((await applied(id)).status).toBe('applied');
    const [basics, step] = [await byCode(`BASE-${u}`), await byCode(`PATH-${u}`)];
    const advanced = await course({ title: uniqueName('Advanced'), prerequisiteIds: [basics.id] });
    const path = await api('POST', '/learning-paths', {
      token: admin,
      body: { title: uniqueName('Path'), courseIds: [step.id] },
    });
    expect(path.status, path.text).toBe(201);

    // Act
    const back = await undone(id);

    // Assess: the course nothing names is gone; the two others stay, each refusal saying why
    expect(back.undone.restored).toBe(1);
    expect(back.undone.refusedListed).toEqual([
      {
        line: 3,
        key: `PATH-${u}`,
        reason: `the learning path ${path.json.title} holds it since the import: left as it is (archive it instead)`,
      },
      {
        line: 2,
        key: `BASE-${u}`,
        reason: `the course ${advanced.title} has made it a prerequisite since the import: left as it is (archive it instead)`,
      },
    ]);
    expect(await byCode(`LONE-${u}`)).toBeUndefined();
    expect((await byCode(`BASE-${u}`))?.id).toBe(basics.id);
    expect((await byCode(`PATH-${u}`))?.id).toBe(step.id);
  });

  it('is for administrators: a machine client with every scope is refused', async () => {
    const token = await machineToken(uniqueName('Catalog feed'), [
      'lms/users.write',
      'lms/enrollments.write',
      'lms/courses.read',
    ]);
    const refused = await api('POST', '/imports', {
      token,
      body: { type: 'courses', format: 'lms', fileName: 'courses.csv', sizeBytes: 10 },
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.detail).toBe(
      'Importing courses is for administrators: no machine-client scope writes courses, as the course routes admit none.',
    );
  });
});

describe('a Moodle course upload file: upload, plan, apply, undo', () => {
  it('maps shortname, fullname, category_path, summary, dates, visible, lang and tags; reports what it does not import', async () => {
    // Prepare: Moodle's category path, and a course Moodle knows already
    const u = randomUUID().slice(0, 8);
    const top = uniqueName('Compliance');
    const topId = await category(top);
    const dataId = await category('Data', topId);
    const known = await course({ title: 'GDPR basics', code: `GDPR-${u}` });
    const publishedKnown = await api('POST', `/courses/${known.id}/publish`, { token: admin });
    expect(publishedKnown.status).toBe(200);
    const file = [
      'shortname,fullname,category_path,category,summary,idnumber,startdate,enddate,visible,lang,tags,format,enrolment_1,nickname',
      `PRIV-${u},Privacy at work,${top} / Data,,"Personal data, ""sensitive"" data",M-77,2026-09-01,2026-12-18,1,pt_br,"privacy,data",topics,manual,x`,
      `GDPR-${u},GDPR basics,,,,,,,0,,,,,`,
      `OLDID-${u},Category by id,,3,,,,,0,,,,,`,
      `BADDATE-${u},Bad dates,,,,,2026-12-18,2026-09-01,1,,,,,`,
      `BADVIS-${u},Bad visible,,,,,,,yes,,,,,`,
    ].join('\r\n');

    // Act
    const id = await uploadImport(admin, file, {
      type: 'courses',
      format: 'moodle',
      fileName: 'courses.csv',
    });
    const planned = await until(id, ['planned', 'failed']);

    // Assess: the plan
    expect(planned.status, JSON.stringify(planned.failure)).toBe('planned');
    expect(planned.warnings).toEqual([
      'Columns not imported (unknown to this format): nickname.',
      "Moodle's course settings (format, showgrades, showreports, showactivitydates, showcompletionconditions, newsitems, maxbytes, groupmode, groupmodeforce, enablecompletion, theme, numsections, coursedisplay, hiddensections, legacyfiles, downloadcontent, cacherev) have no equivalent here: not imported.",
      "Moodle's enrolment methods and role names (enrolment_*, role_*) are not imported: import enrollments as such.",
    ]);
    const entries = await planOf(admin, id);
    expect(entries.map((entry) => [entry.line, entry.action, entry.error?.column ?? null])).toEqual([
      [2, 'create', null],
      [3, 'unchanged', null],
      [4, 'create', null],
      [5, 'error', 'enddate'],
      [6, 'error', 'visible'],
    ]);
    expect(entries[1]?.warnings).toEqual([
      'visible is 0, but a published course is not unpublished here: it stays published (archive it to take it out of the catalog)',
    ]);
    expect(entries[2]?.warnings).toEqual([
      'category 3 is a Moodle category id, which names nothing here: the category is left as it is (give category_path)',
    ]);
    expect(entries[3]?.error?.reason).toBe('the course ends (2026-09-01) before it starts (2026-12-18)');
    expect(entries[4]?.error?.reason).toBe('"yes" is not 1 or 0');

    // Act: apply
    expect((await applied(id)).applied.done).toBe(2);

    // Assess
    expect(await byCode(`PRIV-${u}`)).toMatchObject({
      title: 'Privacy at work',
      description: 'Personal data, "sensitive" data',
      categoryId: dataId,
      language: 'pt-br',
      tags: ['privacy', 'data'],
      customFields: { moodle_idnumber: 'M-77', start_date: '2026-09-01', end_date: '2026-12-18' },
      status: 'published',
    });
    expect(await byCode(`OLDID-${u}`)).toMatchObject({ categoryId: null, status: 'draft' });

    // Act: undo
    expect((await undone(id)).undone.restored).toBe(2);

    // Assess
    expect(await byCode(`PRIV-${u}`)).toBeUndefined();
    expect(await byCode(`OLDID-${u}`)).toBeUndefined();
    expect(await byCode(`GDPR-${u}`)).toMatchObject({ id: known.id, status: 'published' });
  });
});

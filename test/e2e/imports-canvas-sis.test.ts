/**
 * Canvas SIS zips over HTTP, as an administrator's script runs them: upload the zip, plan (each CSV known by
 * its header, planned in the order its references need, each entry naming its CSV and line), apply, undo.
 * After undo, the people, departments, courses and enrollments are those before. Two zips, each built here:
 * a synthetic one (every file, records of the LMS and of the zip named by later files), and Canvas's
 * documentation samples from ../shared/corpus (when present), zipped in a temp folder, whose problems each
 * land on their row.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';
import { everyone, importWhen, listAll, personByEmail, planOf, uploadImport } from '../support/imports.ts';
import { type ZipEntry, zipEntries } from '../support/zip.ts';

const CANVAS_CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'csv', 'canvas');
const hasCorpus = existsSync(CANVAS_CORPUS);
if (!hasCorpus)
  console.warn(
    `Skipping the Canvas SIS corpus zip: ${CANVAS_CORPUS} is absent (it sits beside the project in the team kit).`,
  );

let admin: string;
let folder: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  folder = await mkdtemp(join(tmpdir(), 'canvas-sis-e2e-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const until = (id: string, statuses: readonly string[]) => importWhen(admin, id, statuses);

/**
 * Zips the entries into the temp folder and uploads the zip as a Canvas SIS import. Approval is not these
 * tests' subject (a withdrawal's share depends on how many people earlier files left): the threshold is 100.
 */
async function uploadZip(entries: ZipEntry[], name: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, await zipEntries(entries));
  return uploadImport(admin, readFileSync(path), {
    type: 'canvas-sis',
    format: 'canvas',
    fileName: name,
    options: { threshold: 100 },
  });
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

// biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON
async function byCode(code: string): Promise<any> {
  const found = await api('GET', `/courses?code=${encodeURIComponent(code)}`, { token: admin });
  expect(found.status, found.text).toBe(200);
  return found.json.items[0];
}

/**
 * What undo must leave as it found: the people, the departments, the courses and every course's
 * enrollments, each without its version (undo puts a changed record back at a new version).
 */
async function everything() {
  const unversioned = (items: Record<string, unknown>[]) =>
    items.map(({ version: _version, ...rest }) => rest);
  const courses = await listAll(admin, '/courses');
  const enrollments = [];
  for (const course of courses)
    enrollments.push(...(await listAll(admin, `/courses/${course.id}/enrollments`)));
  return {
    people: unversioned(await everyone(admin)),
    departments: unversioned(await listAll(admin, '/departments')),
    courses: unversioned(courses),
    enrollments: unversioned(enrollments),
    cohorts: unversioned(await listAll(admin, '/cohorts')),
  };
}

/** Each entry as its file, line, action and key, then its error (column, reason) or warnings. */
const summary = (entries: Awaited<ReturnType<typeof planOf>>) =>
  entries.map((entry) => [
    entry.file,
    entry.line,
    entry.action,
    entry.target.key,
    ...(entry.error ? [entry.error.column, entry.error.reason] : []),
    ...(entry.warnings ?? []),
  ]);

describe('a Canvas SIS zip: upload, plan, apply, undo', () => {
  it('plans every file in order, applies departments, people, courses and enrollments, and undo leaves all as it was', async () => {
    // Prepare: a learner and a course of the LMS, the learner enrolled in it
    const u = randomUUID().slice(0, 8);
    const kim = await api('POST', '/users', {
      token: admin,
      body: { email: `kim.${u}@example.com`, givenName: 'Kim', familyName: 'Lee', externalId: `K-${u}` },
    });
    expect(kim.status, kim.text).toBe(201);
    const existing = await api('POST', '/courses', {
      token: admin,
      body: { title: 'First aid', code: `FA-${u}` },
    });
    expect(existing.status, existing.text).toBe(201);
    const enrolled = await api('POST', `/courses/${existing.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [kim.json.id] },
    });
    expect(enrolled.json.results?.[0]?.outcome, enrolled.text).toBe('enrolled');
    const before = await everything();
    const zip: ZipEntry[] = [
      {
        name: 'sis/enrol.csv',
        data: [
          'course_id,user_id,role,section_id,status',
          `C-${u},S-${u}-1,student,,active`,
          `,S-${u}-2,student,SEC-${u},active`,
          `FA-${u},K-${u},student,,deleted`,
          `FA-${u},S-${u}-1,student,,completed`,
          `C-${u},S-${u}-2,teacher,,active`,
          `C-${u},NOBODY-${u},student,,active`,
        ].join('\n'),
      },
      {
        name: 'sis/people.csv',
        data: `user_id,login_id,first_name,last_name,email,status\nS-${u}-1,ana${u},Ana,Silva,ana.${u}@example.com,active\nS-${u}-2,ben${u},Ben,"O'Hara",ben.${u}@example.com,active\n`,
      },
      {
        name: 'sis/courses.csv',
        data: `course_id,short_name,long_name,account_id,term_id,status\nC-${u},PAINT1,"Painting, ""Oils"" and more",ACC-${u}-3,T-${u},published\n`,
      },
      {
        name: 'sis/sections.csv',
        data: `section_id,course_id,name,status\nSEC-${u},C-${u},Morning,active\n`,
      },
      {
        name: 'sis/terms.csv',
        data: `term_id,name,status,start_date,end_date\nT-${u},Spring ${u},active,2027-1-11 00:00:00-05:00,2027-05-28\n`,
      },
      {
        name: 'sis/accounts.csv',
        data: `account_id,parent_account_id,name,status\nACC-${u}-3,ACC-${u}-2,Painting,active\nACC-${u}-2,ACC-${u},Arts,active\nACC-${u},,Faculty ${u},active\n`,
      },
      { name: 'sis/groups.csv', data: 'group_id,account_id,name,status\nG1,,Group1,available\n' },
    ];

    // Act: upload and plan
    const id = await uploadZip(zip, `sis-${u}.zip`);
    const planned = await until(id, ['planned', 'failed']);

    // Assess: the files in the order their references need, each row on its file and line
    expect(planned.status, JSON.stringify(planned.failure)).toBe('planned');
    expect(planned.warnings).toEqual([
      "sis/groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
    ]);
    expect(planned.counts).toMatchObject({
      create: 8,
      unchanged: 2,
      enroll: 2,
      withdraw: 1,
      complete: 1,
      error: 1,
    });
    const entries = await planOf(admin, id);
    expect(summary(entries)).toEqual([
      ['sis/accounts.csv', 4, 'create', `ACC-${u}`],
      ['sis/accounts.csv', 3, 'create', `ACC-${u}-2`],
      ['sis/accounts.csv', 2, 'create', `ACC-${u}-3`],
      [
        'sis/terms.csv',
        2,
        'unchanged',
        `T-${u}`,
        'start_date 2027-1-11 00:00:00-05:00 is not ISO 8601 (YYYY-MM-DD): read as 2027-01-11',
      ],
      ['sis/people.csv', 2, 'create', `ana.${u}@example.com`],
      ['sis/people.csv', 3, 'create', `ben.${u}@example.com`],
      ['sis/courses.csv', 2, 'create', `C-${u}`],
      ['sis/sections.csv', 2, 'create', `SEC-${u}`],
      ['sis/enrol.csv', 2, 'enroll', `S-${u}-1/C-${u}`],
      ['sis/enrol.csv', 3, 'enroll', `S-${u}-2/C-${u}`],
      ['sis/enrol.csv', 3, 'create', `SEC-${u}/S-${u}-2`],
      ['sis/enrol.csv', 4, 'withdraw', `K-${u}/FA-${u}`],
      ['sis/enrol.csv', 5, 'complete', `S-${u}-1/FA-${u}`],
      [
        'sis/enrol.csv',
        6,
        'unchanged',
        `S-${u}-2/C-${u}`,
        "role teacher: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)",
      ],
      [
        'sis/enrol.csv',
        7,
        'error',
        '',
        'user_id',
        `no person with the user_id NOBODY-${u} in the zip's users.csv or in this LMS`,
      ],
    ]);

    // Act: apply
    const done = await applied(id);

    // Assess: the department tree, the course with its term, the people, the enrollments
    expect(done.status, JSON.stringify(done.failure)).toBe('applied');
    expect(done.applied).toEqual({ done: 12, conflicts: 0, conflictsListed: [] });
    const departments = await listAll(admin, '/departments');
    const faculty = departments.find((d) => d.name === `Faculty ${u}`);
    const arts = departments.find((d) => d.name === 'Arts' && d.parentId === faculty?.id);
    const painting = departments.find((d) => d.name === 'Painting' && d.parentId === arts?.id);
    expect([faculty?.childCount, arts?.childCount, painting?.ancestorIds]).toEqual([
      1,
      1,
      [faculty?.id, arts?.id],
    ]);
    const course = await byCode(`C-${u}`);
    expect(course).toMatchObject({
      title: 'Painting, "Oils" and more',
      status: 'published',
      customFields: {
        short_name: 'PAINT1',
        canvas_account: `ACC-${u}-3`,
        term: `Spring ${u}`,
        term_start: '2027-01-11',
        term_end: '2027-05-28',
      },
    });
    const ana = await personByEmail(admin, `ana.${u}@example.com`);
    const ben = await personByEmail(admin, `ben.${u}@example.com`);
    expect([ana?.externalId, ben?.externalId, ben?.familyName]).toEqual([`S-${u}-1`, `S-${u}-2`, "O'Hara"]);
    const status = async (courseId: string, userId: unknown) =>
      (await api('GET', `/courses/${courseId}/enrollments/${String(userId)}`, { token: admin })).json.status;
    expect([
      await status(course.id, ana?.id),
      await status(course.id, ben?.id),
      await status(existing.json.id, kim.json.id),
      await status(existing.json.id, ana?.id),
    ]).toEqual(['enrolled', 'enrolled', 'withdrawn', 'completed']);
    // The section is a static cohort of its students, keyed by the section's id
    const section = (await listAll(admin, '/cohorts')).find((cohort) => cohort.externalId === `SEC-${u}`);
    expect(section).toMatchObject({ name: `Morning (C-${u})`, kind: 'static', memberCount: 1 });
    const sectionMembers = await listAll(admin, `/cohorts/${section?.id}/members`);
    expect(sectionMembers.map((member) => [member.userId, member.via, member.addedBy])).toEqual([
      [ben?.id, 'static', `import:${id}`],
    ]);

    // Act: undo
    const back = await undone(id);

    // Assess: the people, departments, courses and enrollments are those before
    expect(back.status, JSON.stringify(back.failure)).toBe('undone');
    expect(back.undone).toEqual({ restored: 12, refused: 0, refusedListed: [] });
    expect(await everything()).toEqual(before);
  });

  it('is for administrators: a machine client with every scope is refused', async () => {
    const token = await machineToken(uniqueName('SIS feed'), [
      'lms/users.write',
      'lms/enrollments.write',
      'lms/courses.read',
    ]);
    const refused = await api('POST', '/imports', {
      token,
      body: { type: 'canvas-sis', format: 'canvas', fileName: 'sis.zip', sizeBytes: 10 },
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.detail).toBe(
      'Importing a Canvas SIS zip is for administrators: it creates courses and departments, which no machine-client scope writes.',
    );
  });

  it.skipIf(!hasCorpus)(
    "imports Canvas's documentation samples: each problem on its row, the rest imported, undone",
    async () => {
      // Prepare: the corpus's files, zipped here as they are
      const before = await everything();
      const files = readdirSync(CANVAS_CORPUS)
        .sort()
        .map((name) => ({ name, data: readFileSync(join(CANVAS_CORPUS, name)) }));

      // Act: upload and plan
      const id = await uploadZip(files, 'canvas-samples.zip');
      const planned = await until(id, ['planned', 'failed']);

      // Assess: the problems, each on its file and line with its reason
      expect(planned.status, JSON.stringify(planned.failure)).toBe('planned');
      expect(planned.warnings).toEqual([
        "groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
        "groups_membership.csv: Canvas's groups_membership.csv (group memberships) has no place in this LMS, not imported.",
        "user_observers.csv: Canvas's user_observers.csv (observers) has no place in this LMS, not imported.",
        "xlists.csv: Canvas's xlists.csv (cross-listings) has no place in this LMS, not imported.",
        'users.csv: The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
        'sections.csv: Canvas section columns with no place in this LMS, not imported: start_date, end_date.',
      ]);
      const entries = await planOf(admin, id);
      const problems = entries.filter((entry) => entry.error || entry.warnings);
      expect(summary(problems)).toEqual([
        [
          'terms.csv',
          3,
          'unchanged',
          'T002',
          'start_date 2013-1-03 00:00:00 is not ISO 8601 (YYYY-MM-DD): read as 2013-01-03',
        ],
        [
          'courses.csv',
          3,
          'create',
          'R001104',
          "account_id A004 is in no row of the zip's accounts.csv: kept as canvas_account, unchecked",
          "term_id Fall2011 is in no row of the zip's terms.csv: the course is imported without a term",
        ],
        [
          'enrollments.csv',
          2,
          'enroll',
          '01103/E411208',
          "section_id 1B is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
        ],
        [
          'enrollments.csv',
          3,
          'enroll',
          '13834/E411208',
          "section_id 2A is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
        ],
        [
          'enrollments.csv',
          4,
          'unchanged',
          '13aa3/E411208',
          "section_id 2A is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
          "role teacher: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)",
        ],
        [
          'groups.csv',
          3,
          'error',
          '',
          'group_id',
          'group_id G411208 is that of line 2 already: Canvas takes one row per group (groups.csv is not imported here)',
        ],
        [
          'groups.csv',
          4,
          'error',
          '',
          'group_id',
          'group_id G411208 is that of line 2 already: Canvas takes one row per group (groups.csv is not imported here)',
        ],
        [
          'xlists.csv',
          4,
          'error',
          '',
          'section_id',
          'section_id 2A is that of line 3 already: Canvas takes one row per cross-listing (xlists.csv is not imported here)',
        ],
      ]);
      expect(planned.counts).toMatchObject({ create: 12, enroll: 2, error: 3 });

      // Act: apply
      const done = await applied(id);

      // Assess: the rest imported, the quoted title whole
      expect(done.status, JSON.stringify(done.failure)).toBe('applied');
      expect(done.applied).toEqual({ done: 14, conflicts: 0, conflictsListed: [] });
      expect((await byCode('A110035'))?.title).toBe('Art 105: "Art as a Medium"');
      expect((await byCode('R001104'))?.title).toBe('Biology 300: Rocking it, Bio Style');
      const bob = await personByEmail(admin, 'bob.smith@myschool.edu');
      const english = await byCode('E411208');
      const enrollment = await api('GET', `/courses/${english.id}/enrollments/${String(bob?.id)}`, {
        token: admin,
      });
      expect(enrollment.json.status).toBe('enrolled');

      // Act: undo
      const back = await undone(id);

      // Assess
      expect(back.status, JSON.stringify(back.failure)).toBe('undone');
      expect(back.undone).toEqual({ restored: 14, refused: 0, refusedListed: [] });
      expect(await everything()).toEqual(before);
    },
  );
});

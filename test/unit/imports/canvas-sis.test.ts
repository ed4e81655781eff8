/**
 * A Canvas SIS zip's reading (shared/imports/canvas-sis.ts): each CSV known by its header whatever its name,
 * the files imported here in planning order, one warning for each other file, each CSV streamed through the
 * CSV reader (quoted commas and doubled quotes, lines), and the zips and files that fail the import, named.
 * The corpus's Canvas samples (../shared/corpus, when present) are zipped here, in a temp folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSisZip, sisFileKind } from '../../../shared/imports/canvas-sis.ts';
import type { CsvEvent } from '../../../shared/imports/csv.ts';
import { ImportFileError } from '../../../shared/imports/errors.ts';
import { type ZipEntry, zipEntries } from '../../support/zip.ts';

const CANVAS_CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'csv', 'canvas');
const hasCorpus = existsSync(CANVAS_CORPUS);
if (!hasCorpus)
  console.warn(
    `Skipping the Canvas SIS corpus zip: ${CANVAS_CORPUS} is absent (it sits beside the project in the team kit).`,
  );

let folder: string;
let count = 0;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'canvas-sis-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function zipOf(entries: readonly ZipEntry[]): Promise<string> {
  const path = join(folder, `sis-${++count}.zip`);
  await writeFile(path, await zipEntries(entries));
  return path;
}

async function all(events: AsyncIterable<CsvEvent>): Promise<CsvEvent[]> {
  const out: CsvEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function failure(action: () => Promise<unknown>): Promise<ImportFileError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error('expected the zip to fail the import');
}

describe('sisFileKind', () => {
  it.each([
    ['account_id,parent_account_id,name,status', 'accounts'],
    ['term_id,name,status,start_date,end_date', 'terms'],
    [
      'user_id,login_id,authentication_provider_id,password,first_name,last_name,short_name,email,status',
      'users',
    ],
    ['course_id,short_name,long_name,account_id,term_id,status', 'courses'],
    ['section_id,course_id,name,status,start_date,end_date', 'sections'],
    ['course_id,user_id,role,section_id,status', 'enrollments'],
    ['section_id,user_id,role,status', 'enrollments'],
    ['group_id,account_id,name,status', 'groups'],
    ['group_id,user_id,status', 'groups_membership'],
    ['xlist_course_id,section_id,status', 'xlists'],
    ['observer_id,student_id,status', 'user_observers'],
    ['user_id,account_id,role,status', 'admins'],
    ['old_id,new_id,old_integration_id,new_integration_id,type', 'change_sis_id'],
    ['user_id,login_id,existing_user_id,email', 'logins'],
    ['group_category_id,account_id,course_id,category_name,status', 'group_categories'],
    [' Account_ID , Parent_Account_ID , Name , Status ', 'accounts'],
  ])('knows %s as %s', (header, kind) => {
    expect(sisFileKind(header.split(','))).toBe(kind);
  });

  it('knows nothing of another header', () => {
    expect(sisFileKind(['email', 'first_name'])).toBeUndefined();
  });
});

describe('readSisZip', () => {
  it('knows the files by their header, in planning order, warns once for each other file, streams each', async () => {
    // Prepare: names that say nothing, in no order, one in a folder
    const path = await zipOf([
      { name: 'z-enrol.csv', data: 'course_id,user_id,role,status\nC1,U1,student,active\n' },
      { name: 'people/students.csv', data: 'user_id,login_id,first_name,last_name,email,status\n' },
      {
        name: 'a-courses.csv',
        data: 'course_id,short_name,long_name,status\nC1,ART,"Art 105: ""Art as a Medium"", with commas",active\n\nC2,BIO,Biology,active\n',
      },
      { name: 'accounts.csv', data: 'account_id,parent_account_id,name,status\nA1,,Humanities,active\n' },
      { name: 'groups.csv', data: 'group_id,name,status\nG1,Group 1,available\n' },
      { name: 'xlists.csv', data: 'xlist_course_id,section_id,status\nC1,S1,active\n' },
      { name: 'README.txt', data: 'hello' },
      { name: 'other.csv', data: 'email,first_name\na@example.com,A\n' },
    ]);

    // Act
    const zip = await readSisZip(path, { delimiter: ',' });
    try {
      const courses = await all(zip.open('a-courses.csv'));
      const again = await all(zip.open('a-courses.csv'));

      // Assess
      expect(zip.files).toEqual([
        { path: 'accounts.csv', kind: 'accounts' },
        { path: 'people/students.csv', kind: 'users' },
        { path: 'a-courses.csv', kind: 'courses' },
        { path: 'z-enrol.csv', kind: 'enrollments' },
      ]);
      expect(zip.notImported).toEqual([
        { path: 'groups.csv', kind: 'groups' },
        { path: 'xlists.csv', kind: 'xlists' },
      ]);
      expect(zip.warnings).toEqual([
        "groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
        "xlists.csv: Canvas's xlists.csv (cross-listings) has no place in this LMS, not imported.",
        'README.txt: not a CSV file, not imported.',
        'other.csv: not a Canvas SIS file this LMS knows (its header is email, first_name), not imported.',
      ]);
      expect(courses).toEqual([
        { kind: 'header', columns: ['course_id', 'short_name', 'long_name', 'status'] },
        {
          kind: 'row',
          line: 2,
          values: ['C1', 'ART', 'Art 105: "Art as a Medium", with commas', 'active'],
        },
        { kind: 'row', line: 4, values: ['C2', 'BIO', 'Biology', 'active'] },
      ]);
      expect(again).toEqual(courses);
    } finally {
      zip.close();
    }
  });

  it('fails the import for a file that cannot be read, naming it', async () => {
    // Prepare: a users file in UTF-16
    const utf16 = Buffer.from('\uFEFFuser_id,login_id,status\n', 'utf16le');
    const path = await zipOf([
      { name: 'accounts.csv', data: 'account_id,parent_account_id,name,status\nA1,,Humanities,active\n' },
      { name: 'users.csv', data: utf16 },
    ]);

    // Act
    const error = await failure(() => readSisZip(path, { delimiter: ',' }));

    // Assess
    expect(error.code).toBe('encoding');
    expect(error.message).toMatch(/^users\.csv: /);
  });

  it('fails the import for a file that is not a zip, and for a path leaving the zip', async () => {
    // Prepare
    const notZip = join(folder, 'not-a-zip.zip');
    await writeFile(notZip, 'user_id,login_id\n');
    const escaping = await zipEntries([{ name: 'aaaaaaa.csv', data: 'a\n' }]);
    const name = Buffer.from('aaaaaaa.csv');
    let at = escaping.indexOf(name);
    while (at >= 0) {
      Buffer.from('../../x.csv').copy(escaping, at);
      at = escaping.indexOf(name, at + 1);
    }
    const escapingPath = join(folder, 'escaping.zip');
    await writeFile(escapingPath, escaping);

    // Act
    const notAZip = await failure(() => readSisZip(notZip, { delimiter: ',' }));
    const leaving = await failure(() => readSisZip(escapingPath, { delimiter: ',' }));

    // Assess
    expect([notAZip.code, leaving.code]).toEqual(['zip', 'zip']);
    expect(notAZip.message).toMatch(/^The zip cannot be read: /);
    expect(leaving.message).toMatch(/^The zip cannot be read: .*\.\.\/\.\.\/x\.csv/);
  });

  it('fails the import for a zip with no file imported here, saying which are', async () => {
    // Prepare
    const path = await zipOf([{ name: 'groups.csv', data: 'group_id,name,status\nG1,Group 1,available\n' }]);

    // Act
    const error = await failure(() => readSisZip(path, { delimiter: ',' }));

    // Assess
    expect(error).toMatchObject({
      code: 'columns',
      message:
        'The zip holds no Canvas SIS file this LMS imports (accounts.csv, terms.csv, users.csv, courses.csv, sections.csv, enrollments.csv, each known by its header).',
    });
  });

  it.skipIf(!hasCorpus)("reads Canvas's documentation samples from the corpus, zipped", async () => {
    // Prepare
    const path = await zipOf(
      readdirSync(CANVAS_CORPUS)
        .sort()
        .map((name) => ({ name, data: readFileSync(join(CANVAS_CORPUS, name)) })),
    );

    // Act
    const zip = await readSisZip(path, { delimiter: ',' });
    try {
      const courses = await all(zip.open('courses.csv'));

      // Assess
      expect(zip.files.map((file) => file.kind)).toEqual([
        'accounts',
        'terms',
        'users',
        'courses',
        'sections',
        'enrollments',
      ]);
      expect(zip.warnings).toEqual([
        "groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
        "groups_membership.csv: Canvas's groups_membership.csv (group memberships) has no place in this LMS, not imported.",
        "user_observers.csv: Canvas's user_observers.csv (observers) has no place in this LMS, not imported.",
        "xlists.csv: Canvas's xlists.csv (cross-listings) has no place in this LMS, not imported.",
      ]);
      expect(courses.slice(2)).toEqual([
        {
          kind: 'row',
          line: 3,
          values: ['R001104', 'BIO300', 'Biology 300: Rocking it, Bio Style', 'A004', 'Fall2011', 'active'],
        },
        {
          kind: 'row',
          line: 4,
          values: ['A110035', 'ART105', 'Art 105: "Art as a Medium"', 'A001', '', 'active'],
        },
      ]);
    } finally {
      zip.close();
    }
  });
});

/**
 * The Canvas SIS users.csv adapter, a row at a time: each column, the cells it refuses (with the column and
 * why), statuses, names from the columns Canvas may carry them in, and the header. Expected values are
 * written out here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportMode, ImportOptions } from '../../../shared/domain/import.ts';
import { canvasPeople } from '../../../shared/imports/canvas-people.ts';
import { readCsv } from '../../../shared/imports/csv.ts';

const options = ImportOptions.parse({});

function read(cells: Record<string, string>, mode: ImportMode = 'upsert') {
  return canvasPeople.row(new Map(Object.entries(cells)), { mode, options });
}

const base = {
  user_id: '01103',
  login_id: 'bsmith01',
  status: 'active',
  email: 'bob.smith@myschool.edu',
  first_name: 'Bob',
  last_name: 'Smith',
};

describe('canvasPeople: a row', () => {
  it('reads every column it keeps', () => {
    // Act
    const outcome = read({
      ...base,
      email: 'Bob.Smith@MySchool.edu',
      integration_id: 'INT-1',
      authentication_provider_id: 'google',
      short_name: 'Bobby Smith',
      full_name: 'Robert Smith',
      sortable_name: 'Smith, Robert',
      pronouns: 'he/him',
      declared_user_type: 'Teacher',
    });

    // Assess: the user_id (with its leading zero) is the external id
    expect(outcome).toEqual({
      ok: true,
      value: {
        email: 'bob.smith@myschool.edu',
        externalId: '01103',
        status: 'active',
        givenName: 'Bob',
        familyName: 'Smith',
        customAttributes: {
          canvas_login_id: 'bsmith01',
          canvas_integration_id: 'INT-1',
          display_name: 'Bobby Smith',
          pronouns: 'he/him',
          canvas_authentication_provider: 'google',
          canvas_user_type: 'teacher',
        },
        unique: [
          { column: 'login_id', value: 'bsmith01' },
          { column: 'integration_id', value: 'INT-1' },
        ],
      },
    });
  });

  it.each([
    [{ user_id: '' }, 'user_id', 'a user_id is required: Canvas’s SIS id for the person'],
    [
      { user_id: '01 103' },
      'user_id',
      '"01 103" is not an external id (letters, digits and . _ : @ - only, at most 128)',
    ],
    [{ login_id: '' }, 'login_id', 'a login_id is required (Canvas refuses a user without one)'],
    [{ status: '' }, 'status', 'a status is required: active, suspended or deleted'],
    [{ status: 'completed' }, 'status', '"completed" is not a status: active, suspended or deleted'],
    [{ email: 'bob.smith' }, 'email', '"bob.smith" is not an email address'],
    [
      { email: '' },
      'email',
      'an email is required: this LMS finds people by email, and the login_id is not an email address',
    ],
    [
      { first_name: 'B'.repeat(101) },
      'first_name',
      `"${'B'.repeat(101)}" is not a name of at most 100 characters`,
    ],
    [
      { first_name: '', last_name: '', sortable_name: `${'S'.repeat(101)}, Bob` },
      'sortable_name',
      `"${'S'.repeat(101)}" is not a name of at most 100 characters`,
    ],
    [{ pronouns: 'p'.repeat(257) }, 'pronouns', `"${'p'.repeat(257)}" is not at most 256 characters of text`],
    [
      { authentication_provider_id: 'my provider' },
      'authentication_provider_id',
      '"my provider" is not an authentication provider: its id (7) or its type (google, saml...)',
    ],
    [
      { declared_user_type: 'parent' },
      'declared_user_type',
      '"parent" is not a declared user type: administrative, observer, staff, student, student_other, teacher, or <delete>',
    ],
  ])('refuses %j, naming the column %s and why', (cells, column, reason) => {
    expect(read({ ...base, ...cells })).toEqual({ ok: false, column, reason });
  });

  it.each([
    ['active', 'active', undefined],
    ['Suspended', 'suspended', undefined],
    [
      'DELETED',
      'suspended',
      {
        column: 'status',
        reason:
          'no person with this user_id or email to delete (a deleted Canvas user is suspended here, never removed)',
      },
    ],
  ])(
    'reads status %s as %s (deleted: a suspension of someone who must exist)',
    (status, expected, existing) => {
      // Act
      const outcome = read({ ...base, status });
      // Assess
      expect(outcome).toMatchObject({ ok: true, value: { status: expected } });
      expect(outcome.ok && outcome.value.existing).toEqual(existing);
    },
  );

  it('uses a login_id that is an email address when the email is empty, with a row warning', () => {
    expect(read({ ...base, login_id: 'Bob.Smith@MySchool.edu', email: '' })).toEqual({
      ok: true,
      value: expect.objectContaining({
        email: 'bob.smith@myschool.edu',
        customAttributes: { canvas_login_id: 'Bob.Smith@MySchool.edu' },
        unique: [{ column: 'login_id', value: 'bob.smith@myschool.edu' }],
      }),
      warnings: ['no email: the login_id Bob.Smith@MySchool.edu is the email'],
    });
  });

  it('takes names from sortable_name, else from full_name split at its last space (with a warning)', () => {
    // Prepare
    const unnamed = { ...base, first_name: '', last_name: '' };
    // Act
    const sortable = read({
      ...unnamed,
      sortable_name: 'de la Cruz, Maria José',
      full_name: 'Maria José de la Cruz',
    });
    const full = read({ ...unnamed, full_name: 'Maria José Cruz' });
    const single = read({ ...unnamed, full_name: 'Madonna' });
    const firstOnly = read({ ...base, last_name: '', full_name: 'Bob Smith' });

    // Assess
    expect(sortable).toMatchObject({
      ok: true,
      value: { givenName: 'Maria José', familyName: 'de la Cruz' },
    });
    expect(sortable.ok && sortable.warnings).toBeUndefined();
    expect(full).toMatchObject({
      ok: true,
      value: { givenName: 'Maria José', familyName: 'Cruz' },
      warnings: ['names split from full_name: given name "Maria José", family name "Cruz"'],
    });
    // One word cannot be split: the person keeps their names (a new one is refused by the planner)
    expect(single.ok && [single.value.givenName, single.value.familyName]).toEqual([undefined, undefined]);
    // first_name and last_name, when either is there, are the names: full_name is not read
    expect(firstOnly.ok && [firstOnly.value.givenName, firstOnly.value.familyName]).toEqual([
      'Bob',
      undefined,
    ]);
  });

  it('removes the declared user type with <delete>, and clears attributes of empty cells in a sync', () => {
    // Act
    const deleted = read({ ...base, declared_user_type: '<delete>' });
    const sync = read(
      {
        ...base,
        integration_id: '',
        short_name: '',
        pronouns: '',
        authentication_provider_id: '',
        declared_user_type: '',
      },
      'sync',
    );
    // Assess
    expect(deleted).toMatchObject({ ok: true, value: { customAttributes: { canvas_user_type: null } } });
    expect(sync).toMatchObject({
      ok: true,
      value: {
        customAttributes: {
          canvas_login_id: 'bsmith01',
          canvas_integration_id: null,
          display_name: null,
          pronouns: null,
          canvas_authentication_provider: null,
          canvas_user_type: null,
        },
        unique: [{ column: 'login_id', value: 'bsmith01' }],
      },
    });
  });
});

describe('canvasPeople: the header', () => {
  it('needs user_id, login_id and status, as Canvas does', () => {
    expect(canvasPeople.required).toEqual(['user_id', 'login_id', 'status']);
  });

  it('ignores password and ssha_password with one warning between them', () => {
    // Act
    const warnings = new Set(Object.values(canvasPeople.ignored ?? {}));
    // Assess
    expect(Object.keys(canvasPeople.ignored ?? {})).toEqual(['password', 'ssha_password']);
    expect([...warnings]).toEqual([
      'The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
    ]);
  });

  it('names the Canvas columns it does not keep', () => {
    expect(canvasPeople.matches?.('home_account')).toBe(true);
    expect(canvasPeople.matches?.('favourite_colour')).toBe(false);
    expect(canvasPeople.notes?.(['user_id', 'canvas_password_notification', 'home_account'])).toEqual([
      "Canvas columns with no place in this LMS's profiles, not imported: canvas_password_notification, home_account.",
    ]);
    expect(canvasPeople.notes?.(['user_id', 'login_id', 'status'])).toEqual([]);
  });
});

describe('the Canvas sample in docs/samples', () => {
  it('reads without an error, the login_id standing in for the missing email', async () => {
    // Prepare
    const path = join(import.meta.dirname, '..', '..', '..', 'docs', 'samples', 'people-canvas-users.csv');
    const source = (async function* () {
      yield readFileSync(path);
    })();
    const people = [];
    let columns: string[] = [];

    // Act
    for await (const event of readCsv(source)) {
      if (event.kind === 'header') columns = event.columns;
      if (event.kind !== 'row') continue;
      people.push(
        read(Object.fromEntries(columns.map((column, index) => [column, event.values[index] ?? '']))),
      );
    }

    // Assess
    expect(columns.filter((column) => !canvasPeople.columns.includes(column))).toEqual([]);
    expect(people.map((outcome) => outcome.ok)).toEqual([true, true, true, true]);
    expect(people.map((outcome) => outcome.ok && [outcome.value.email, outcome.value.status])).toEqual([
      ['eva.evans@example.com', 'active'],
      ['finn.fischer@example.com', 'active'],
      ['gus.grant@example.com', 'active'],
      ['hal.hart@example.com', 'suspended'],
    ]);
    expect(people[1]).toMatchObject({ ok: true, value: { givenName: 'Finn', familyName: 'Fischer' } });
    expect(people.map((outcome) => outcome.ok && outcome.warnings)).toEqual([
      undefined,
      undefined,
      ['no email: the login_id gus.grant@example.com is the email'],
      undefined,
    ]);
  });
});

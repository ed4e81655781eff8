/**
 * Canvas's SIS import users.csv as a people format, with Canvas's rules (doc/api/sis_csv.md): `user_id`,
 * `login_id` and `status` required on every row; `status` is active, suspended or deleted.
 *
 * Who a row is: `user_id`, Canvas's SIS id ("must not change for the user, and must be globally unique"),
 * is the external id, so the person is found by it, else by email. `login_id` and `integration_id` are kept
 * as custom attributes, each on one row of the file only. Where this LMS needs what Canvas does not:
 * - an email (Canvas's is optional): a row without one uses its login_id when that is an email address, and
 *   is refused otherwise;
 * - a given and a family name (Canvas may have only full_name): they come from first_name and last_name,
 *   else sortable_name ("Family, Given"), else full_name split at its last space, with a row warning.
 */
import * as z from 'zod';
import { text } from '../domain/common.ts';
import { Email, ExternalId, normaliseEmail } from '../domain/user.ts';
import type { PeopleFormat, PersonRow } from './people-rows.ts';
import { CellError, cell, checked, reading } from './rows.ts';

const Name = text(100);
const AttributeText = text(256);
const ProviderId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const USER_TYPES = ['administrative', 'observer', 'staff', 'student', 'student_other', 'teacher'] as const;

/** Canvas columns that have no place in this LMS's profiles. */
const NOT_KEPT = ['canvas_password_notification', 'home_account'];

export const PASSWORDS_WARNING =
  'The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).';

export const canvasPeople: PeopleFormat = {
  columns: [
    'user_id',
    'login_id',
    'status',
    'email',
    'first_name',
    'last_name',
    'full_name',
    'sortable_name',
    'short_name',
    'integration_id',
    'authentication_provider_id',
    'pronouns',
    'declared_user_type',
  ],
  required: ['user_id', 'login_id', 'status'],
  // One warning for both (the planner says each distinct warning once).
  ignored: { password: PASSWORDS_WARNING, ssha_password: PASSWORDS_WARNING },
  matches: (column) => NOT_KEPT.includes(column),
  notes(columns) {
    const notKept = columns.filter((column) => NOT_KEPT.includes(column));
    return notKept.length > 0
      ? [`Canvas columns with no place in this LMS's profiles, not imported: ${notKept.join(', ')}.`]
      : [];
  },
  columnOf: { externalId: 'user_id', givenName: 'first_name', familyName: 'last_name' },
  row(fields, { mode }) {
    return reading(({ warn }) => {
      const at = (column: string) => cell(fields, column, mode);
      const given = (column: string) => cell(fields, column, 'upsert') ?? undefined;

      const userId = given('user_id');
      if (!userId) throw new CellError('user_id', 'a user_id is required: Canvas’s SIS id for the person');
      const externalId = checked(
        ExternalId,
        'user_id',
        userId,
        'an external id (letters, digits and . _ : @ - only, at most 128)',
      );
      const loginId = given('login_id');
      if (!loginId)
        throw new CellError('login_id', 'a login_id is required (Canvas refuses a user without one)');
      const login = checked(AttributeText, 'login_id', loginId, 'at most 256 characters of text');
      const status = given('status')?.toLowerCase();
      if (!status) throw new CellError('status', 'a status is required: active, suspended or deleted');
      if (status !== 'active' && status !== 'suspended' && status !== 'deleted')
        throw new CellError('status', `"${given('status')}" is not a status: active, suspended or deleted`);

      const email = given('email');
      let address: string;
      if (email) address = checked(Email, 'email', email, 'an email address');
      else if (Email.safeParse(login).success) {
        address = login;
        warn(`no email: the login_id ${login} is the email`);
      } else
        throw new CellError(
          'email',
          'an email is required: this LMS finds people by email, and the login_id is not an email address',
        );
      const person: PersonRow = { email: normaliseEmail(address), externalId, status: 'active' };
      if (status !== 'active') person.status = 'suspended';
      // We never delete (training records are kept for compliance): a deleted Canvas user is suspended, and
      // a deletion of someone who is not there is an error rather than a suspended person created.
      if (status === 'deleted')
        person.existing = {
          column: 'status',
          reason:
            'no person with this user_id or email to delete (a deleted Canvas user is suspended here, never removed)',
        };
      Object.assign(person, names(fields, warn));

      const attributes: Record<string, string | null> = { canvas_login_id: login };
      const unique = [{ column: 'login_id', value: login.toLowerCase() }];
      const integration = at('integration_id');
      if (integration !== undefined) {
        attributes.canvas_integration_id =
          integration === null
            ? null
            : checked(AttributeText, 'integration_id', integration, 'at most 256 characters of text');
        if (integration !== null) unique.push({ column: 'integration_id', value: integration });
      }
      for (const [column, attribute] of [
        ['short_name', 'display_name'],
        ['pronouns', 'pronouns'],
      ] as const) {
        const value = at(column);
        if (value !== undefined)
          attributes[attribute] =
            value === null ? null : checked(AttributeText, column, value, 'at most 256 characters of text');
      }
      const provider = at('authentication_provider_id');
      if (provider !== undefined)
        attributes.canvas_authentication_provider =
          provider === null
            ? null
            : checked(
                ProviderId,
                'authentication_provider_id',
                provider,
                'an authentication provider: its id (7) or its type (google, saml...)',
              );
      const type = at('declared_user_type');
      if (type === null || type?.toLowerCase() === '<delete>') attributes.canvas_user_type = null;
      else if (type !== undefined) {
        const value = type.toLowerCase();
        if (!(USER_TYPES as readonly string[]).includes(value))
          throw new CellError(
            'declared_user_type',
            `"${type}" is not a declared user type: ${USER_TYPES.join(', ')}, or <delete>`,
          );
        attributes.canvas_user_type = value;
      }
      person.customAttributes = attributes;
      person.unique = unique;
      return person;
    });
  },
};

/** Given and family name, from the columns Canvas may carry them in (none: the person's stay as they are). */
function names(
  fields: ReadonlyMap<string, string>,
  warn: (warning: string) => void,
): Pick<PersonRow, 'givenName' | 'familyName'> {
  const value = (column: string) => cell(fields, column, 'upsert') ?? undefined;
  const name = (column: string, raw: string) =>
    checked(Name, column, raw, 'a name of at most 100 characters');
  const first = value('first_name');
  const last = value('last_name');
  if (first || last)
    return {
      ...(first ? { givenName: name('first_name', first) } : {}),
      ...(last ? { familyName: name('last_name', last) } : {}),
    };
  const sortable = value('sortable_name');
  const comma = sortable?.indexOf(',') ?? -1;
  if (sortable && comma > 0 && sortable.slice(comma + 1).trim() !== '')
    return {
      familyName: name('sortable_name', sortable.slice(0, comma).trim()),
      givenName: name('sortable_name', sortable.slice(comma + 1).trim()),
    };
  const full = value('full_name');
  const space = full?.search(/\s+\S+$/) ?? -1;
  if (full && space > 0) {
    const givenName = name('full_name', full.slice(0, space).trim());
    const familyName = name('full_name', full.slice(space).trim());
    warn(`names split from full_name: given name "${givenName}", family name "${familyName}"`);
    return { givenName, familyName };
  }
  return {};
}

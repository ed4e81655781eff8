/**
 * The people formats: our own (`lms`, docs/imports.md) here, Moodle's "Upload users" (moodle-people.ts) and
 * Canvas SIS users.csv (canvas-people.ts), each an adapter from the file's columns to PersonRow, with the
 * cell helpers they share. Cells are checked with the same rules as the API's, and a refusal names the column.
 */
import * as z from 'zod';
import { Id } from '../domain/common.ts';
import { Email, ExternalId, normaliseEmail } from '../domain/user.ts';
import { parseDate } from './dates.ts';
import type { PeopleFormat, PersonRow } from './people-rows.ts';
import { CellError, cell, checked, reading } from './rows.ts';

const Name = z.string().trim().min(1).max(100);
const Short = z.string().trim().min(1).max(120);
export const AttributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);

/**
 * Our people format. Columns: `email` (required), `given_name`, `family_name` (required for a new person),
 * `external_id`, `department` (an id, or a path of names from the top: `Sales/Sales EMEA`),
 * `manager_email` or `manager_external_id`, `job_title`, `location`, `hire_date`, `status`
 * (`active`/`suspended`), and `custom.<name>` for custom attributes.
 */
export const lmsPeople: PeopleFormat = {
  columns: [
    'email',
    'given_name',
    'family_name',
    'external_id',
    'department',
    'manager_email',
    'manager_external_id',
    'job_title',
    'location',
    'hire_date',
    'status',
  ],
  required: ['email'],
  matches: (column) => column.startsWith('custom.'),
  row(fields, context) {
    return reading(() => {
      const { mode, options } = context;
      const email = cell(fields, 'email', 'upsert');
      if (!email) throw new CellError('email', 'an email is required');
      const person: PersonRow = { email: normaliseEmail(checked(Email, 'email', email, 'an email address')) };
      const given = cell(fields, 'given_name', 'upsert');
      if (given) person.givenName = checked(Name, 'given_name', given, 'a name of at most 100 characters');
      const family = cell(fields, 'family_name', 'upsert');
      if (family)
        person.familyName = checked(Name, 'family_name', family, 'a name of at most 100 characters');
      const externalId = cell(fields, 'external_id', mode);
      if (externalId !== undefined)
        person.externalId =
          externalId === null ? null : checked(ExternalId, 'external_id', externalId, 'an external id');
      const department = cell(fields, 'department', mode);
      if (department !== undefined) person.department = departmentRef(department);
      const managerEmail = cell(fields, 'manager_email', mode);
      const managerId = cell(fields, 'manager_external_id', mode);
      if (managerEmail && managerId)
        throw new CellError('manager_external_id', 'give the manager by email or by external id, not both');
      if (managerEmail)
        person.manager = {
          email: normaliseEmail(checked(Email, 'manager_email', managerEmail, 'an email address')),
        };
      else if (managerId)
        person.manager = {
          externalId: checked(ExternalId, 'manager_external_id', managerId, 'an external id'),
        };
      else if (managerEmail === null || managerId === null) person.manager = null;
      for (const [column, field] of [
        ['job_title', 'jobTitle'],
        ['location', 'location'],
      ] as const) {
        const value = cell(fields, column, mode);
        if (value !== undefined)
          person[field] = value === null ? null : checked(Short, column, value, 'at most 120 characters');
      }
      const hired = cell(fields, 'hire_date', mode);
      if (hired !== undefined) {
        if (hired === null) person.hireDate = null;
        else {
          const date = parseDate(hired, { dateOrder: options.dateOrder, timezone: options.timezone });
          if (!date.ok) throw new CellError('hire_date', date.reason);
          person.hireDate = date.date;
        }
      }
      const status = cell(fields, 'status', 'upsert');
      if (status) {
        const value = status.toLowerCase();
        if (value !== 'active' && value !== 'suspended')
          throw new CellError('status', `"${status}" is not a status: active or suspended`);
        person.status = value;
      }
      for (const [column, raw] of fields) {
        if (!column.startsWith('custom.')) continue;
        const name = column.slice('custom.'.length);
        if (!AttributeName.safeParse(name).success)
          throw new CellError(column, 'custom attribute names start with a letter: letters, digits, _');
        const value = raw.trim();
        if (value === '' && mode !== 'sync') continue;
        if (value.length > 256) throw new CellError(column, 'at most 256 characters');
        person.customAttributes = { ...person.customAttributes, [name]: value === '' ? null : value };
      }
      return person;
    });
  },
};

/** An id when it is one, else a path of names (`Sales / Sales EMEA`). */
export function departmentRef(value: string | null, column = 'department'): PersonRow['department'] {
  if (value === null) return null;
  if (Id.safeParse(value.toLowerCase()).success) return { id: value.toLowerCase() };
  const path = value
    .split('/')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (path.length === 0 || path.some((name) => name.length > 100))
    throw new CellError(column, `"${value}" is not a department id or path like Sales/Sales EMEA`);
  return { path };
}

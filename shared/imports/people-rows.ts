/**
 * A person as an import row says it, whatever the file's format: the planner (use-cases/imports/people.ts)
 * works on these, and each format has an adapter from its columns to them (people-formats.ts).
 *
 * A field left `undefined` is not said by the row (the person keeps what they have); `null` clears it (a
 * sync feed's empty cell: the feed is the truth).
 */
import type { RowFormat } from './rows.ts';

export interface PersonRow {
  email: string;
  givenName?: string;
  familyName?: string;
  externalId?: string | null;
  /** A department by id, or by its path of names from the top (`Sales/Sales EMEA`). */
  department?: { id: string } | { path: string[] } | null;
  manager?: { email: string } | { externalId: string } | null;
  jobTitle?: string | null;
  location?: string | null;
  hireDate?: string | null;
  /** Merged into the person's custom attributes (a null value removes that attribute). */
  customAttributes?: Record<string, string | null>;
  status?: 'active' | 'suspended';
  /** Moodle's `oldusername`, Canvas's login change: the person this row renames, by a previous email. */
  previousEmail?: string;
}

/** How a format reads its header and rows into people. */
export type PeopleFormat = RowFormat<PersonRow>;

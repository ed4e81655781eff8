/**
 * A person as an import row says it, whatever the file's format: the planner (use-cases/imports/people.ts)
 * works on these, and each format has an adapter from its columns to them (people-formats.ts).
 *
 * A field left `undefined` is not said by the row (the person keeps what they have); `null` clears it (a
 * sync feed's empty cell: the feed is the truth).
 */
import type { ImportMode, ImportOptions } from '../domain/import.ts';

/** What a row is read with: the import's mode (an empty cell clears a field in a sync feed) and options. */
export interface RowContext {
  mode: ImportMode;
  options: ImportOptions;
}

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

export type RowOutcome<T> =
  | { ok: true; value: T; warnings?: string[] }
  | { ok: false; column: string | null; reason: string };

/** How a format reads its header and rows into people. */
export interface PeopleFormat {
  /** The columns it knows; others are reported once as ignored (never fatal). */
  readonly columns: readonly string[];
  /** Columns it cannot do without: a header missing one fails the import, naming it. */
  readonly required: readonly string[];
  /** Columns it reads and ignores on purpose, each with the warning said once (Moodle's `password`). */
  readonly ignored?: Readonly<Record<string, string>>;
  /** Whether a column name belongs to it beyond `columns` (`custom.*`, `profile_field_*`, `cohort1`...). */
  readonly matches?: (column: string) => boolean;
  /** `fields`: the row's cells by lower-cased column name. */
  row(fields: ReadonlyMap<string, string>, context: RowContext): RowOutcome<PersonRow>;
}

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
  /**
   * A department by id, by its path of names from the top (`Sales/Sales EMEA`), or by its name anywhere in
   * the tree when only one department has it (Moodle's free-text department).
   */
  department?: { id: string } | { path: string[] } | { name: string } | null;
  manager?: { email: string } | { externalId: string } | null;
  jobTitle?: string | null;
  location?: string | null;
  hireDate?: string | null;
  /** Merged into the person's custom attributes (a null value removes that attribute). */
  customAttributes?: Record<string, string | null>;
  status?: 'active' | 'suspended';
  /** Moodle's `oldusername`, Canvas's login change: the person this row renames, by a previous email. */
  previousEmail?: string;
  /**
   * The person's account in the system the file comes from (Moodle's username), for formats that name
   * people by it. The adapter keeps it in the custom attribute `attribute`. When the row has no external id
   * it serves as one: it finds the person (as the source system would, whatever their email is now) and is
   * given to a person who has no external id, but never replaces an external id a person has from
   * elsewhere. A person found who already holds another account there is refused (one person, one account),
   * unless the row renames them from it (`renamedFrom`, Moodle's `oldusername`).
   */
  account?: {
    column: string;
    attribute: string;
    /** How messages name it: `Moodle username`. */
    label: string;
    value: string;
    /** The column that renames (`oldusername`), and the account the row renames from when it says one. */
    rename: { column: string; from?: string };
  };
  /** Other values that name one person in the file (Canvas's login_id): each on one row only. */
  unique?: { column: string; value: string }[];
  /** The row only acts on a person the LMS has (Moodle's `deleted`): none found is this error. */
  existing?: { column: string; reason: string };
  /**
   * Courses the row enrolls its person in (Moodle's `course1`, `course2`...), each read alone: a bad cell
   * refuses that enrollment, not the person.
   */
  courses?: CourseCell[];
  /**
   * Static cohorts the row's person joins (Moodle's `cohort1`, `cohort2`...), each by the cohort's external
   * id or name as the cell has it, in column order.
   */
  cohorts?: { column: string; value: string }[];
}

/**
 * One course a people row names, as read: the course's code with what the row says of the enrollment, or
 * the column and reason it was refused. `column` is the course's column (`course2`), which entries name.
 */
export type CourseCell =
  | {
      column: string;
      code: string;
      /** `active`: enrolled (again); `withdrawn`: withdrawn (Moodle's suspended enrolment). */
      status: 'active' | 'withdrawn';
      /** When the enrollment starts (Moodle's `enroltimestartN`), an instant. */
      start?: { at: string; column: string };
      /** How many days it lasts from its start (Moodle's `enrolperiodN`): the due date is its end. */
      period?: { days: number; column: string };
      /** The column of the status (`enrolstatusN`), which refusals about it name. */
      statusColumn: string;
      /** What the row says that is not imported (a group), noted on the enrollment's entry. */
      warnings: string[];
    }
  | { column: string; code?: string; refused: { column: string; reason: string } };

/** The fields the planner may refuse a row for, beyond what the adapter checks alone. */
export type PersonColumn =
  | 'email'
  | 'externalId'
  | 'givenName'
  | 'familyName'
  | 'department'
  | 'managerEmail'
  | 'managerExternalId';

/** How a format reads its header and rows into people. */
export type PeopleFormat = RowFormat<PersonRow> & {
  /** The file's column for each field, so that the planner's refusals name it (default: ours). */
  readonly columnOf?: Readonly<Partial<Record<PersonColumn, string>>>;
};

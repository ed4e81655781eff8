/**
 * A Canvas SIS zip (https://canvas.instructure.com/doc/api/file.sis_csv.html): several CSV files, each
 * known by its header (Canvas names none of them: `users.csv` may be `students-2026.csv`). The zip is read
 * with the content packages' limits and checks (`shared/content/archive.ts`: entry count, sizes, ratios,
 * paths that leave the archive, bombs), and each CSV is streamed through the CSV reader as it inflates,
 * never held whole. The files this LMS imports come in the order their references need (accounts, terms,
 * users, courses, sections, enrollments); the others Canvas takes are each named in one warning.
 */
import { openArchiveEntries } from '../content/archive.ts';
import { PackageRejectedError } from '../content/findings.ts';
import type { PackageLimits } from '../content/limits.ts';
import { MAX_IMPORT_BYTES } from '../domain/import.ts';
import { type CsvDelimiter, type CsvEvent, CsvFileError, readCsv } from './csv.ts';
import { ImportFileError } from './errors.ts';

/** The Canvas SIS files this LMS imports, in the order they are planned (a file's references come first). */
export const SIS_FILE_KINDS = ['accounts', 'terms', 'users', 'courses', 'sections', 'enrollments'] as const;
export type SisFileKind = (typeof SIS_FILE_KINDS)[number];

/** Canvas SIS files with no place in this LMS, and what they hold (for the warning that names them). */
const NOT_IMPORTED = {
  xlists: 'cross-listings',
  user_observers: 'observers',
  change_sis_id: 'changes of SIS ids',
  group_categories: 'group categories',
  groups_membership: 'group memberships',
  groups: 'groups',
  admins: 'account administrators',
  logins: 'logins',
} as const;
export type NotImportedKind = keyof typeof NOT_IMPORTED;

/**
 * The columns that name one row of a file not imported (Canvas takes one row of each: a group by its id, a
 * section cross-listed to one course, a membership once), and what a row is: such a file is still read,
 * so that a row Canvas would refuse as a repeat is reported on its line.
 */
export const NOT_IMPORTED_ROWS: Readonly<Record<NotImportedKind, { key: readonly string[]; row: string }>> = {
  xlists: { key: ['section_id'], row: 'cross-listing' },
  user_observers: { key: ['observer_id', 'student_id'], row: 'observer' },
  change_sis_id: { key: ['old_id', 'type'], row: 'change of SIS id' },
  group_categories: { key: ['group_category_id'], row: 'group category' },
  groups_membership: { key: ['group_id', 'user_id'], row: 'group membership' },
  groups: { key: ['group_id'], row: 'group' },
  admins: { key: ['user_id', 'account_id', 'role'], row: 'account administrator' },
  logins: { key: ['login_id'], row: 'login' },
};

/**
 * What a header says the file is. Canvas's files share column names (`name`, `status`, `course_id`,
 * `user_id`), so each is known by the columns only it has, tested most specific first; none: undefined.
 */
export function sisFileKind(header: readonly string[]): SisFileKind | NotImportedKind | undefined {
  const columns = new Set(header.map((column) => column.trim().toLowerCase()));
  const has = (...names: string[]) => names.every((name) => columns.has(name));
  if (has('xlist_course_id')) return 'xlists';
  if (has('observer_id', 'student_id')) return 'user_observers';
  if (has('old_id', 'new_id', 'type')) return 'change_sis_id';
  if (has('group_category_id', 'category_name')) return 'group_categories';
  if (has('group_id', 'user_id')) return 'groups_membership';
  if (has('group_id')) return 'groups';
  if (has('section_id', 'course_id', 'name')) return 'sections';
  if (has('user_id', 'role') && (has('course_id') || has('section_id'))) return 'enrollments';
  if (has('user_id', 'account_id', 'role')) return 'admins';
  if (has('course_id', 'short_name', 'long_name')) return 'courses';
  if (has('user_id', 'login_id', 'existing_user_id') || has('user_id', 'login_id', 'existing_login_id'))
    return 'logins';
  if (has('user_id', 'login_id')) return 'users';
  if (has('term_id', 'name')) return 'terms';
  if (has('account_id', 'parent_account_id', 'name')) return 'accounts';
  return undefined;
}

/**
 * A Canvas SIS zip's limits. Its files are streamed, never written out, so the total bounds work, not disk;
 * CSV compresses well under 200:1, so a higher ratio is a bomb.
 */
export const SIS_ZIP_LIMITS: Readonly<PackageLimits> = Object.freeze({
  maxPackageBytes: MAX_IMPORT_BYTES,
  maxEntries: 100,
  maxEntryBytes: MAX_IMPORT_BYTES,
  maxTotalUncompressedBytes: 2 * MAX_IMPORT_BYTES,
  maxCompressionRatio: 200,
  maxManifestBytes: 0,
  maxXmlDepth: 0,
  maxPathBytes: 255,
});

/** One CSV of the zip this LMS imports: its path in the zip (the plan's `file`) and what it is. */
export interface SisFile {
  path: string;
  kind: SisFileKind;
}

/** A CSV of the zip Canvas takes that has no place in this LMS: read for its repeated rows only. */
export interface NotImportedFile {
  path: string;
  kind: NotImportedKind;
}

export interface SisZip {
  /** The files to import, in planning order (by kind, then by path). */
  files: SisFile[];
  /** Canvas's files not imported here, by path (each also named in a warning). */
  notImported: NotImportedFile[];
  /** One for each file not imported: a file Canvas takes that has no place here, or one not known. */
  warnings: string[];
  /** One file's events (header, rows), from the start: a planner that needs two passes opens it twice. */
  open(path: string): AsyncIterable<CsvEvent>;
  close(): void;
}

/**
 * Opens a Canvas SIS zip and reads each CSV's header to know it. A zip that is not one (not a zip, a bomb,
 * a path leaving it, no CSV of a kind imported here) or a CSV that cannot be read (empty, binary, not
 * UTF-8, another delimiter) fails the import, naming the file: the files depend on one another, and a plan
 * without one of them would misreport every row that names it.
 *
 * @example
 * const zip = await readSisZip('/tmp/sis.zip', { delimiter: ',' });
 * try { for (const file of zip.files) await plan(file.kind, zip.open(file.path)); } finally { zip.close(); }
 */
export async function readSisZip(
  zipPath: string,
  options: { delimiter: CsvDelimiter },
  limits: PackageLimits = SIS_ZIP_LIMITS,
): Promise<SisZip> {
  const archive = await openArchiveEntries(zipPath, limits).catch((error: unknown) => {
    if (error instanceof PackageRejectedError)
      throw new ImportFileError('zip', `The zip cannot be read: ${error.message}.`);
    throw error;
  });
  const open = (path: string): AsyncIterable<CsvEvent> => ({
    [Symbol.asyncIterator]: () => events(archive.stream(path), path, options.delimiter),
  });
  try {
    const files: SisFile[] = [];
    const notImported: NotImportedFile[] = [];
    const warnings: string[] = [];
    for (const { path } of archive.files) {
      if (!path.toLowerCase().endsWith('.csv')) {
        warnings.push(`${path}: not a CSV file, not imported.`);
        continue;
      }
      let header: string[] = [];
      for await (const event of open(path)) {
        if (event.kind === 'header') header = event.columns;
        break;
      }
      const kind = sisFileKind(header);
      if (kind === undefined)
        warnings.push(
          `${path}: not a Canvas SIS file this LMS knows (its header is ${header.join(', ')}), not imported.`,
        );
      else if (isImported(kind)) files.push({ path, kind });
      else {
        notImported.push({ path, kind });
        warnings.push(
          `${path}: Canvas's ${kind}.csv (${NOT_IMPORTED[kind]}) has no place in this LMS, not imported.`,
        );
      }
    }
    if (files.length === 0)
      throw new ImportFileError(
        'columns',
        `The zip holds no Canvas SIS file this LMS imports (${SIS_FILE_KINDS.map((kind) => `${kind}.csv`).join(', ')}, each known by its header).`,
      );
    files.sort(
      (a, b) =>
        SIS_FILE_KINDS.indexOf(a.kind) - SIS_FILE_KINDS.indexOf(b.kind) || a.path.localeCompare(b.path),
    );
    notImported.sort((a, b) => a.path.localeCompare(b.path));
    return { files, notImported, warnings, open, close: () => archive.close() };
  } catch (error) {
    archive.close();
    throw error;
  }
}

function isImported(kind: SisFileKind | NotImportedKind): kind is SisFileKind {
  return (SIS_FILE_KINDS as readonly string[]).includes(kind);
}

/** The file's CSV events; a file that cannot be read, or a zip that fails while inflating, names the file. */
async function* events(
  bytes: AsyncIterable<Uint8Array>,
  path: string,
  delimiter: CsvDelimiter,
): AsyncGenerator<CsvEvent> {
  try {
    yield* readCsv(bytes, { delimiter });
  } catch (error) {
    if (error instanceof CsvFileError) throw new ImportFileError(error.code, `${path}: ${error.message}`);
    if (error instanceof PackageRejectedError)
      throw new ImportFileError('zip', `The zip cannot be read at ${path}: ${error.message}.`);
    throw error;
  }
}

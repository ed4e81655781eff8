/**
 * What every row format shares: how a row is read (the import's mode and options), what reading it answers
 * (the value, or the column and reason it was refused), the format's columns, and the cell rules the formats
 * apply (an empty cell, a cell checked with the API's schema, a refusal naming its column).
 */
import type * as z from 'zod';
import type { ImportMode, ImportOptions } from '../domain/import.ts';

/** What a row is read with: the import's mode (an empty cell clears a field in a sync feed) and options. */
export interface RowContext {
  mode: ImportMode;
  options: ImportOptions;
}

/**
 * A row read, or refused with its column and reason. A refused row may still say whom it is about
 * (`subject`), when that much was readable: a sync then knows the file lists them.
 */
export type RowOutcome<T, S = never> =
  | { ok: true; value: T; warnings?: string[] }
  | { ok: false; column: string | null; reason: string; subject?: S };

/** How a format reads its header and rows. */
export interface RowFormat<T, S = never> {
  /** The columns it knows; others are reported once as ignored (never fatal). */
  readonly columns: readonly string[];
  /** Columns it cannot do without: a header missing one fails the import, naming it. */
  readonly required: readonly string[];
  /** Groups of columns of which the header needs one at least (`email` or `external_id`). */
  readonly oneOf?: readonly (readonly string[])[];
  /** Columns it reads and ignores on purpose, each with the warning said once (Moodle's `password`). */
  readonly ignored?: Readonly<Record<string, string>>;
  /** Whether a column name belongs to it beyond `columns` (`custom.*`, `profile_field_*`, `cohort1`...). */
  readonly matches?: (column: string) => boolean;
  /** Whole-file notes on the header beyond unknown and ignored columns (Moodle's enrollment columns). */
  readonly notes?: (columns: readonly string[]) => string[];
  /** `fields`: the row's cells by lower-cased column name. */
  row(fields: ReadonlyMap<string, string>, context: RowContext): RowOutcome<T, S>;
}

/** A cell the format refuses: the column, and why. */
export class CellError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** A cell's value: `undefined` when empty (upsert: unchanged), `null` when empty in a sync feed (cleared). */
export function cell(
  fields: ReadonlyMap<string, string>,
  column: string,
  mode: ImportMode,
): string | null | undefined {
  if (!fields.has(column)) return undefined;
  const value = (fields.get(column) ?? '').trim();
  if (value !== '') return value;
  return mode === 'sync' ? null : undefined;
}

/** The cell's value as `schema` reads it, or a CellError saying it is not `what`. */
export function checked<T>(schema: z.ZodType<T>, column: string, value: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CellError(column, `"${value}" is not ${what}`);
  return result.data;
}

/** What reading a row may note: a row warning, and whom the row is about (as soon as that is known). */
export interface RowNotes<S> {
  warn(warning: string): void;
  about(subject: S): void;
}

/** Runs a row's reading: a CellError becomes the row's refusal (with what it is about, when known). */
export function reading<T, S = never>(read: (notes: RowNotes<S>) => T): RowOutcome<T, S> {
  let subject: S | undefined;
  const warnings: string[] = [];
  try {
    const value = read({
      warn: (warning) => warnings.push(warning),
      about: (known) => {
        subject = known;
      },
    });
    return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
  } catch (error) {
    if (error instanceof CellError)
      return {
        ok: false,
        column: error.column,
        reason: error.message,
        ...(subject !== undefined ? { subject } : {}),
      };
    throw error;
  }
}

/**
 * Bulk imports: a file uploaded, planned row by row, approved when it would take a lot away, applied, and
 * undone. The plan is the contract: what apply does is exactly what the plan shows, and every row is
 * accounted for (an action, or an error with its column and reason).
 */
import * as z from 'zod';
import { Id, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';
import { MULTIPART_THRESHOLD_BYTES, PART_SIZE_BYTES } from './content.ts';

export const IMPORT_TYPES = [
  'people',
  'enrollments',
  'courses',
  'completions',
  'canvas-sis',
  'business-metrics',
] as const;
export const ImportType = z.enum(IMPORT_TYPES);
export type ImportType = z.infer<typeof ImportType>;

/** `lms`: ours (docs/imports.md); `moodle`: Upload users / course upload; `canvas`: SIS import CSVs. */
export const IMPORT_FORMATS = ['lms', 'moodle', 'canvas'] as const;
export const ImportFormat = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormat>;

/**
 * `upsert`: the file's rows are created or updated; nothing outside it changes. `sync` (people and
 * enrollments): the file is the whole truth for its scope, so people of the scope missing from it are
 * suspended, and enrollments of the scope missing from it are withdrawn.
 */
export const IMPORT_MODES = ['upsert', 'sync'] as const;
export const ImportMode = z.enum(IMPORT_MODES);
export type ImportMode = z.infer<typeof ImportMode>;

/** Which types each format carries. */
export const FORMAT_TYPES: Readonly<Record<ImportFormat, readonly ImportType[]>> = {
  lms: ['people', 'enrollments', 'courses', 'completions', 'business-metrics'],
  moodle: ['people', 'courses'],
  canvas: ['people', 'enrollments', 'courses', 'canvas-sis'],
};

export const IMPORT_STATUSES = [
  'uploading',
  'planning',
  'planned',
  'awaiting-approval',
  'applying',
  'applied',
  'undoing',
  'undone',
  'failed',
] as const;
export const ImportStatus = z.enum(IMPORT_STATUSES);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const PLAN_ACTIONS = [
  'create',
  'update',
  'unchanged',
  'suspend',
  'enroll',
  'withdraw',
  'complete',
  'error',
] as const;
export const PlanAction = z.enum(PLAN_ACTIONS);
export type PlanAction = z.infer<typeof PlanAction>;

/** The largest file accepted (S3's presigned upload; a multipart upload above 100 MB). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;
export { MULTIPART_THRESHOLD_BYTES, PART_SIZE_BYTES };

export const DATE_ORDERS = ['ymd', 'dmy', 'mdy'] as const;
export const DELIMITERS = [',', ';', '\t', '|'] as const;

export const ImportOptions = z
  .strictObject({
    delimiter: z
      .enum(DELIMITERS)
      .default(',')
      .describe('The file’s delimiter; another one is detected and named'),
    dateOrder: z
      .enum(DATE_ORDERS)
      .default('ymd')
      .describe(
        'How dates that are not ISO 8601 are written: 2025/12/31 (ymd), 31/12/2025 (dmy), 12/31/2025 (mdy)',
      ),
    timezone: z
      .string()
      .regex(/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/, 'Z or an offset like +01:00')
      .default('Z')
      .describe('The offset of date-times written without one'),
    threshold: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe(
        'Suspensions or withdrawals above this percentage of the people (or enrollments) in scope wait for approval',
      ),
    scopeDepartmentId: Id.optional().describe(
      'The department subtree the file speaks for: a people sync’s (default: everyone with an external id); an enrollments file’s, within the courses it names (default: everyone)',
    ),
    sourceSystem: text(64)
      .optional()
      .describe('completions: the system they come from, kept with each (e.g. "Moodle 3.9")'),
  })
  .meta({ id: 'ImportOptions' });
export type ImportOptions = z.infer<typeof ImportOptions>;

export const CreateImportBody = z
  .strictObject({
    type: ImportType,
    format: ImportFormat,
    mode: ImportMode.default('upsert'),
    fileName: z
      .string()
      .min(5)
      .max(255)
      .regex(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
        /^[^/\\\u0000-\u001f]+\.(csv|txt|zip)$/i,
        'a .csv (or, for a Canvas SIS import, .zip) file name',
      ),
    sizeBytes: z.number().int().min(1).max(MAX_IMPORT_BYTES, `at most ${MAX_IMPORT_BYTES} bytes (2 GiB)`),
    options: ImportOptions.optional(),
  })
  .superRefine((body, context) => {
    if (!FORMAT_TYPES[body.format].includes(body.type))
      context.addIssue({
        code: 'custom',
        path: ['type'],
        message: `a ${body.format} file carries ${FORMAT_TYPES[body.format].join(', ')}`,
      });
    if (body.mode === 'sync' && body.type !== 'people' && body.type !== 'enrollments')
      context.addIssue({
        code: 'custom',
        path: ['mode'],
        message: 'sync is for people and enrollment feeds only',
      });
    const zip = body.fileName.toLowerCase().endsWith('.zip');
    if (zip !== (body.type === 'canvas-sis'))
      context.addIssue({
        code: 'custom',
        path: ['fileName'],
        message: zip
          ? 'only a Canvas SIS import is a .zip'
          : 'a Canvas SIS import is a .zip of its CSV files',
      });
  })
  .meta({ id: 'CreateImport' });
export type CreateImportInput = z.infer<typeof CreateImportBody>;

export const ActionCounts = z.record(PlanAction, z.number().int().min(0));
export type ActionCounts = z.infer<typeof ActionCounts>;

export function emptyCounts(): ActionCounts {
  return Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as ActionCounts;
}

/** A row apply or undo left alone: its line in the file, whom it names, and why. */
export const RowNote = z.object({ line: z.number().int(), key: z.string(), reason: z.string() });
export type RowNote = z.infer<typeof RowNote>;

export const Import = z
  .object({
    id: Id,
    type: ImportType,
    format: ImportFormat,
    mode: ImportMode,
    fileName: z.string(),
    sizeBytes: z.number().int(),
    options: ImportOptions,
    status: ImportStatus,
    createdBy: z.string(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    /** Rows read (header excluded), and plan entries per action. */
    rows: z.number().int(),
    counts: ActionCounts,
    /** The step under way and how far it got (rows planned, entries applied or undone). */
    progress: z.object({ step: z.string(), done: z.number().int(), total: z.number().int() }),
    /** Whole-file notes: ignored columns, an ignored password column, unknown columns. */
    warnings: z.array(z.string()),
    /** Why the plan needs an approval before it applies, and who gave it. */
    approval: z.object({
      required: z.boolean(),
      reason: z.string().nullable(),
      approvedBy: z.string().nullable(),
      approvedAt: IsoDateTime.nullable(),
      note: z.string().nullable(),
    }),
    /** What apply did: entries applied, and records left alone because they changed since planning. */
    applied: z
      .object({
        done: z.number().int(),
        conflicts: z.number().int(),
        /** The first 100 conflicts: the row's line, whom it names, and what changed. */
        conflictsListed: z.array(RowNote),
      })
      .nullable(),
    /** What undo did: records restored, and records it refused because they changed since the apply. */
    undone: z
      .object({
        restored: z.number().int(),
        refused: z.number().int(),
        /**
         * The first 100 refusals undo met (it goes from the last change back): the row's line, whom it names,
         * and why.
         */
        refusedListed: z.array(RowNote),
      })
      .nullable(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Import' });
export type Import = z.infer<typeof Import>;

/** One field's change: what it is now, and what the row makes it. */
export const FieldDiff = z.object({ from: z.unknown(), to: z.unknown() });

export const PlanEntry = z
  .object({
    /** Position in the plan (row order). */
    seq: z.number().int().min(0),
    /** The file the row is in (a Canvas SIS zip has several), and its line. */
    file: z.string(),
    line: z.number().int().min(0),
    action: PlanAction,
    /** What the row acts on: `user`, `enrollment`, `course`, `department`, `cohort`. */
    target: z.object({
      kind: z.string(),
      id: z.string().nullable(),
      /** How the file names it: an email, an external id, a short name. */
      key: z.string(),
    }),
    diffs: z.record(z.string(), FieldDiff),
    /** Fields the file would change but an administrator marked sticky on the person: left as they are. */
    kept: z.record(z.string(), FieldDiff).optional(),
    error: z.object({ column: z.string().nullable(), reason: z.string() }).optional(),
    warnings: z.array(z.string()).optional(),
  })
  .meta({ id: 'PlanEntry' });
export type PlanEntry = z.infer<typeof PlanEntry>;

export const ImportParams = z.strictObject({ id: Id });

export const ListImportsQuery = z.strictObject({ limit: PageLimit, cursor: PageCursor.optional() });

export const ImportPlanQuery = z.strictObject({
  limit: PageLimit,
  cursor: PageCursor.optional(),
  action: PlanAction.optional().describe('Only the entries with this action'),
});

export const ApplyImportBody = z
  .strictObject({
    approve: z.literal(true).optional().describe('Approve a plan that waits for approval'),
    reason: text(500).optional().describe('Why it may go ahead (required with approve)'),
  })
  .refine((body) => body.approve === undefined || body.reason !== undefined, {
    path: ['reason'],
    message: 'give the reason for the approval',
  })
  .meta({ id: 'ApplyImport' });

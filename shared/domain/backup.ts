/**
 * The logical backup: every item of the table, read by a parallel Scan and written as gzip NDJSON (one file
 * per segment, items in DynamoDB's attribute-value form so a restore is lossless), the content bucket's
 * inventory, and a manifest written last that names every file with its SHA-256. A backup without its
 * manifest is not complete. Restores and restore drills read it back, checking every file first.
 */
import * as z from 'zod';
import { Id, IsoDateTime } from './common.ts';

/** The manifest's format: a restore refuses a manifest of another format. */
export const BACKUP_FORMAT_VERSION = 1;

/** Where a backup's files are in the backups bucket. */
export const backupKeys = {
  prefix: (backupId: string) => `logical/${backupId}/`,
  segment: (backupId: string, segment: number) => `logical/${backupId}/segment-${segment}.ndjson.gz`,
  contentInventory: (backupId: string) => `logical/${backupId}/content-inventory.ndjson.gz`,
  manifest: (backupId: string) => `logical/${backupId}/manifest.json`,
};

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
const Count = z.number().int().min(0);

/** One file of a backup: its key, the SHA-256 and size of the gzip bytes stored, and the lines it holds. */
export const BackupFile = z.object({
  key: z.string().min(1).max(1024),
  sha256: Sha256,
  bytes: Count,
  items: Count,
});
export type BackupFile = z.infer<typeof BackupFile>;

export const BackupManifest = z
  .object({
    formatVersion: z.literal(BACKUP_FORMAT_VERSION),
    backupId: Id,
    tableName: z.string().min(1).max(255),
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime,
    /** Parallel Scan segments, one file each. */
    segments: z.number().int().min(1).max(1000),
    /** Items per entity type (the item's `entity` attribute; `unknown` when it has none), and in all. */
    counts: z.object({ byEntity: z.record(z.string(), Count), total: Count }),
    files: z.array(BackupFile).min(1).max(1000),
    /** Every object version of the content bucket: key, versionId, ETag, size, storage class, isLatest. */
    contentInventory: z.object({
      key: z.string().min(1).max(1024),
      sha256: Sha256,
      bytes: Count,
      objects: Count,
    }),
  })
  .meta({ id: 'BackupManifest' });
export type BackupManifest = z.infer<typeof BackupManifest>;

/** One line of the content inventory. */
export interface ContentObjectVersion {
  readonly key: string;
  /** `null` for an object stored while the bucket was unversioned (S3 says "null" too). */
  readonly versionId: string;
  readonly etag: string;
  readonly size: number;
  readonly storageClass: string;
  readonly isLatest: boolean;
}

/** `complete`: its manifest is written. A backup whose run died before that is `failed`, never complete. */
export const BACKUP_STATUSES = ['queued', 'running', 'complete', 'failed'] as const;

export const Backup = z
  .object({
    id: Id,
    status: z.enum(BACKUP_STATUSES),
    /** `requested` (POST /backups), `scheduled` (the daily job), `pre-restore` (taken by an in-place restore). */
    reason: z.enum(['requested', 'scheduled', 'pre-restore']),
    startedAt: IsoDateTime.nullable(),
    finishedAt: IsoDateTime.nullable(),
    /** Items per entity type (complete backups). */
    counts: z.record(z.string(), Count),
    totalItems: Count.nullable(),
    /** Bytes stored: every segment file and the inventory. */
    sizeBytes: Count.nullable(),
    /** Why it failed (`abandoned`: its process died half way). */
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Backup' });
export type Backup = z.infer<typeof Backup>;

export const BackupDetail = Backup.extend({ manifest: BackupManifest.nullable() }).meta({
  id: 'BackupDetail',
});
export type BackupDetail = z.infer<typeof BackupDetail>;

export const BackupParams = z.strictObject({ id: Id });

/** The phrase an in-place restore must be confirmed with, typed. */
export function inPlaceConfirmation(backupId: string): string {
  return `restore ${backupId} in place`;
}

export const RESTORE_TARGETS = ['new-table', 'in-place'] as const;
export type RestoreTarget = (typeof RESTORE_TARGETS)[number];

/**
 * `new-table` writes a fresh table beside the live one and changes nothing live: `confirm` is not needed
 * (`true` accepted). `in-place` replaces the live data: `confirm` must be the typed phrase
 * `restore <backupId> in place`.
 */
export const RestoreBody = z
  .strictObject({
    target: z.enum(RESTORE_TARGETS),
    confirm: z.union([z.literal(true), z.string().max(200)]).optional(),
  })
  .meta({ id: 'RestoreRequest' });
export type RestoreBody = z.infer<typeof RestoreBody>;

/** How one item differs between a restored table and its backup. */
export const DrillDifference = z.object({
  /** `<pk> | <sk>` */
  key: z.string(),
  kind: z.enum(['missing', 'extra', 'changed']),
  entity: z.string(),
});
export type DrillDifference = z.infer<typeof DrillDifference>;

/** The differences a drill lists (it counts them all). */
export const MAX_LISTED_DIFFERENCES = 100;

/** A drill's result: items compared, differences counted (and the first ones listed), counts per entity. */
export const DrillResult = z
  .object({
    backupId: Id,
    items: Count,
    differences: Count,
    differing: z.array(DrillDifference).max(MAX_LISTED_DIFFERENCES),
    byType: z.record(z.string(), z.object({ backup: Count, restored: Count, differences: Count })),
    scratchTable: z.string(),
  })
  .meta({ id: 'DrillResult' });
export type DrillResult = z.infer<typeof DrillResult>;

/** A backup is good for this long: the daily backup plus two hours of slack. */
export const BACKUP_MAX_AGE_HOURS = 26;

export const BackupStatus = z
  .object({
    /** The last complete backup younger than 26 h, and the last drill found no difference. */
    healthy: z.boolean(),
    lastBackup: z.object({ id: Id, finishedAt: IsoDateTime, ageHours: z.number() }).nullable(),
    lastDrill: z
      .object({
        id: Id,
        backupId: Id.nullable(),
        finishedAt: IsoDateTime,
        items: Count,
        differences: Count,
        ok: z.boolean(),
      })
      .nullable(),
    maxAgeHours: z.number(),
  })
  .meta({ id: 'BackupStatus' });
export type BackupStatus = z.infer<typeof BackupStatus>;

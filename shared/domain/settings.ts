/**
 * Organisation settings. `data-lifecycle` is the retention policy: when archived courses' content moves to
 * archive storage, when suspended people are erased, how long audit records stay in the table.
 */
import * as z from 'zod';
import { LOGIN_HISTORY_DAYS } from './access.ts';
import { IsoDateTime } from './common.ts';

export const DataLifecycleSettings = z
  .object({
    /** Content of courses archived longer than this moves to archive storage (S3 Glacier Instant Retrieval). */
    archiveContentAfterDays: z.number().int(),
    /** People suspended longer than this are erased; null: never. */
    eraseSuspendedAfterDays: z.number().int().nullable(),
    /** Audit records older than this are exported to the backups bucket, then removed from the table. */
    auditRetentionYears: z.number().int(),
    /** The sign-in history's lifetime: the table's TTL, fixed; shown, not changeable. */
    signInHistoryDays: z.literal(LOGIN_HISTORY_DAYS),
    updatedAt: IsoDateTime.nullable(),
    updatedBy: z.string().nullable(),
    /** 1 while the defaults stand (nothing stored yet). */
    version: z.number().int().min(1),
  })
  .meta({ id: 'DataLifecycleSettings' });
export type DataLifecycleSettings = z.infer<typeof DataLifecycleSettings>;

/** What an organisation starts with: content archived after 90 days, nobody erased, audit kept 7 years. */
export const DEFAULT_DATA_LIFECYCLE: DataLifecycleSettings = {
  archiveContentAfterDays: 90,
  eraseSuspendedAfterDays: null,
  auditRetentionYears: 7,
  signInHistoryDays: LOGIN_HISTORY_DAYS,
  updatedAt: null,
  updatedBy: null,
  version: 1,
};

/**
 * The whole policy, as read (send the ETag as If-Match). `signInHistoryDays` may be sent back as read; any
 * other value is refused (422), since the history's lifetime is the table's TTL.
 */
export const UpdateDataLifecycleBody = z
  .strictObject({
    archiveContentAfterDays: z.number().int().min(1).max(3650),
    eraseSuspendedAfterDays: z.number().int().min(1).max(3650).nullable(),
    auditRetentionYears: z.number().int().min(1).max(100),
    signInHistoryDays: z.number().int().optional(),
  })
  .meta({ id: 'UpdateDataLifecycleSettings' });
export type UpdateDataLifecycleInput = z.infer<typeof UpdateDataLifecycleBody>;

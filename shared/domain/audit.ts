/** Audit records: who changed what, when, from what to what, in which request. */
import * as z from 'zod';
import { IsoDateTime, PageCursor, PageLimit } from './common.ts';

/** `<kind>:<id>`, for example `user:7d0c…`. */
export const AuditTarget = z
  .string()
  .max(200)
  .regex(/^[a-z][a-z-]*:[A-Za-z0-9._:@-]+$/, 'a target is <kind>:<id>, for example user:<id>');

/**
 * A batch change (a whole cohort enrolled at once) is audited as one record whose action ends in `.batch`,
 * `after.items` holding each entity.
 */
export const BATCH_SUFFIX = '.batch';

export const AuditActor = z.object({
  sub: z.string(),
  /** The LMS profile the acting login is linked to (null for jobs, machine clients, records before links). */
  userId: z.string().nullable().default(null),
  email: z.string().nullable(),
  roles: z.array(z.string()),
});
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditRecord = z
  .object({
    id: z.string(),
    at: IsoDateTime,
    action: z.string(),
    target: z.string(),
    actor: AuditActor,
    requestId: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof AuditRecord>;

export const ListAuditQuery = z.strictObject({
  target: AuditTarget,
  limit: PageLimit,
  cursor: PageCursor.optional(),
});

/** Builds the audit record of one change; `before`/`after` are the entity as the API shows it. */
export function auditRecord(fields: {
  id: string;
  at: Date;
  action: string;
  target: string;
  actor: AuditActor;
  requestId: string;
  before?: object | null;
  after?: object | null;
}): AuditRecord {
  return {
    id: fields.id,
    at: fields.at.toISOString(),
    action: fields.action,
    target: fields.target,
    actor: fields.actor,
    requestId: fields.requestId,
    before: (fields.before as Record<string, unknown> | null | undefined) ?? null,
    after: (fields.after as Record<string, unknown> | null | undefined) ?? null,
  };
}

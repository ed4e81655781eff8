/** Schemas shared by every area of the API. */
import * as z from 'zod';

export const Id = z.uuid().describe('Identifier (UUID)');
export const IsoDateTime = z.iso.datetime().describe('ISO 8601 date-time, UTC');
export const IsoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');

/** Page size of a list: 1 to 100, 25 when absent. Query strings arrive as text. */
export const PageLimit = z.coerce.number().int().min(1).max(100).default(25);
/** Opaque continuation token returned as `nextCursor` by the previous page. */
export const PageCursor = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor this API issued');

export const PageQuery = z.strictObject({ limit: PageLimit, cursor: PageCursor.optional() });

/** A page of items with the cursor of the next page (`null` on the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Free text a person types: trimmed, no control characters. */
export function text(max: number) {
  return (
    z
      .string()
      .trim()
      .min(1)
      .max(max)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
  );
}

/** RFC 9457 problem details, as every error response carries. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

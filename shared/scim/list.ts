/**
 * Queries and their answers (RFC 7644 §3.4.2): a ListResponse of `count` resources from the 1-based
 * `startIndex` of all those that match, with `totalResults`; a filter that matches nothing is a 200 with
 * `totalResults: 0`.
 */
import * as z from 'zod';
import type { ScimResource } from './schema.ts';

const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The most resources one response carries (`filter.maxResults`); a larger `count` is capped to it. */
export const MAX_RESULTS = 200;

const Integer = z
  .string()
  .regex(/^[+-]?\d{1,9}$/, 'an integer')
  .transform(Number);

/** `attributes` and `excludedAttributes` of a GET, POST, PUT or PATCH (RFC 7644 §3.9). */
export const ScimProjectionQuery = z.strictObject({
  attributes: z.string().max(2000).optional(),
  excludedAttributes: z.string().max(2000).optional(),
});

/** The query of GET /Users and GET /Groups. `sortBy` and `sortOrder` are taken and ignored: sort is not supported. */
export const ScimListQuery = ScimProjectionQuery.extend({
  filter: z
    .string()
    .max(2000)
    .optional()
    .describe('RFC 7644 §3.4.2.2, e.g. userName eq "bjensen@example.com"'),
  // RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1".
  startIndex: Integer.optional().transform((value) => Math.max(1, value ?? 1)),
  // "A negative value SHALL be interpreted as "0""; above the maximum, the maximum.
  count: Integer.optional().transform((value) => Math.min(MAX_RESULTS, Math.max(0, value ?? MAX_RESULTS))),
  sortBy: z
    .string()
    .max(200)
    .optional()
    .describe('Ignored: sorting is not supported (ServiceProviderConfig)'),
  sortOrder: z.string().max(20).optional().describe('Ignored'),
});

/**
 * @example
 * scimListResponse([user], 7, 1) // { schemas: [LIST_RESPONSE_SCHEMA], totalResults: 7, startIndex: 1, itemsPerPage: 1, Resources: [user] }
 */
export function scimListResponse(
  resources: readonly ScimResource[],
  totalResults: number,
  startIndex: number,
) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/**
 * SCIM errors (RFC 7644 §3.12). SCIM clients read `status` and `scimType` from an error body of their own,
 * not from problem+json, so the SCIM routes answer with `toScimErrorBody()` instead of the API's problem
 * documents.
 */

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The `scimType` codes of RFC 7644 §3.12, Table 9 (all with status 400, except `uniqueness`: 409). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  /** A string, as RFC 7644 §3.12 writes it (`"400"`). */
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  constructor(
    /** The HTTP status the response carries. */
    readonly status: number,
    /** Absent for errors without a SCIM code (404, 412). */
    readonly scimType: ScimType | undefined,
    /** A sentence for the person who configured the identity provider: what was wrong, where. */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /**
   * The error body of RFC 7644 §3.12.
   *
   * @example
   * new ScimError(400, 'invalidFilter', 'Unknown attribute "nickName" at character 1.').toScimErrorBody()
   * // { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter',
   * //   detail: 'Unknown attribute "nickName" at character 1.' }
   */
  toScimErrorBody(): ScimErrorBody {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType === undefined ? {} : { scimType: this.scimType }),
      detail: this.detail,
    };
  }
}

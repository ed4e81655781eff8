/**
 * What package processing says about a package: findings (errors block the import, warnings do not) and the
 * one error class that rejects a package with a machine-readable code and a sentence for the administrator.
 */

export type FindingSeverity = 'error' | 'warning';

export interface Finding {
  severity: FindingSeverity;
  /** Stable, kebab-case: `no-manifest`, `malformed-xml`, `missing-launch-file`, `dangling-identifierref`, ... */
  code: string;
  /** One sentence an administrator can act on. */
  message: string;
  /** Package-relative path the finding is about, when there is one. */
  file?: string;
  /** Element or attribute, e.g. `item[identifier=ITEM-1]/@identifierref`. */
  element?: string;
}

/** Thrown when a package must be refused: the job fails with `code` and `message`, and nothing is stored. */
export class PackageRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly findings: Finding[] = [],
  ) {
    super(message);
    this.name = 'PackageRejectedError';
  }
}

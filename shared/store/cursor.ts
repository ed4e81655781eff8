/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded, checked on the way back in.
 * A cursor must come from the same listing (same index and partition); anything else is a 400 naming
 * `query.cursor`, never a DynamoDB ValidationException turned 500.
 */
import { InvalidInputError } from '../domain/errors.ts';

type Key = Record<string, string>;

export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | null {
  if (!lastEvaluatedKey) return null;
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor issued for a listing whose key attributes are `attributes` and whose partition is fixed
 * by `expected` (attribute -> value).
 */
export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  expected: Record<string, string>,
): Key | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  const wellFormed =
    entries.length === attributes.length &&
    entries.every(
      ([name, value]) => attributes.includes(name) && typeof value === 'string' && value.length <= 1024,
    ) &&
    Object.entries(expected).every(([name, value]) => (decoded as Key)[name] === value);
  if (!wellFormed) throw invalid();
  return decoded as Key;
}

function invalid() {
  return new InvalidInputError('The cursor was not issued by this listing; start again without it.', [
    { path: 'query.cursor', message: 'not a cursor of this listing' },
  ]);
}

/**
 * A page of the people of several departments, one department after the other (each is one key range of
 * the index), so a manager's first page is full however large the organisation is. The cursor says which
 * department and where in it.
 */
import { InvalidInputError } from '../domain/errors.ts';
import type { User } from '../domain/user.ts';
import type { Page, PageRequest, UserFilter, UserRepository } from './ports.ts';

interface Position {
  index: number;
  inner: string | undefined;
}

export async function peopleOfDepartments(
  users: Pick<UserRepository, 'list'>,
  departmentIds: readonly string[],
  filter: Omit<UserFilter, 'departmentId'>,
  page: PageRequest,
): Promise<Page<User>> {
  const people: User[] = [];
  let position = decode(page.cursor);
  while (position && people.length < page.limit) {
    const departmentId = departmentIds[position.index];
    if (departmentId === undefined) {
      position = undefined;
      break;
    }
    const part = await users.list(
      { ...filter, departmentId },
      { limit: page.limit - people.length, cursor: position.inner },
    );
    people.push(...part.items);
    if (part.nextCursor) position = { index: position.index, inner: part.nextCursor };
    else
      position =
        position.index + 1 < departmentIds.length
          ? { index: position.index + 1, inner: undefined }
          : undefined;
  }
  return { items: people, nextCursor: position ? encode(position) : null };
}

function encode(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decode(cursor: string | undefined): Position | undefined {
  if (!cursor) return { index: 0, inner: undefined };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Position>;
    if (
      typeof parsed.index === 'number' &&
      Number.isInteger(parsed.index) &&
      parsed.index >= 0 &&
      (parsed.inner === undefined || typeof parsed.inner === 'string')
    )
      return { index: parsed.index, inner: parsed.inner };
  } catch {
    // not JSON: refused below
  }
  throw new InvalidInputError('The cursor is not one this listing issued.', [
    { path: 'query.cursor', message: 'not a cursor this API issued' },
  ]);
}

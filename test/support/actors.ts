/** Actors and unique values for tests that share one local stack. */
import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../../shared/domain/principal.ts';

/** A person acting with `roles`; `userId` is the LMS profile their login is linked to (none by default). */
export function actor(
  roles: Role[] = ['admin'],
  userId: string | null = null,
  email: string | null = 'tester@example.com',
): Actor {
  return {
    principal: { sub: `test-${randomUUID()}`, userId, email, roles },
    requestId: `req-${randomUUID()}`,
  };
}

/** An email no other test uses. */
export function uniqueEmail(prefix = 'person'): string {
  return `${prefix}.${randomUUID().slice(0, 8)}@example.com`;
}

export function uniqueName(prefix: string): string {
  return `${prefix} ${randomUUID().slice(0, 8)}`;
}

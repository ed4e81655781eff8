/**
 * People in apply: a suspension goes through the person's guarded write and signs their login out, as
 * `POST /users/{id}/suspend` does; a sign-out that fails leaves the suspension standing (the authorizer
 * refuses a suspended profile anyway) and says so.
 */
import { describe, expect, it } from 'vitest';
import type { User } from '../../../shared/domain/user.ts';
import { type PeopleChangeDeps, peopleChanges } from '../../../shared/use-cases/imports/apply-people.ts';
import type { Run } from '../../../shared/use-cases/imports/changes.ts';
import type { PersonChange } from '../../../shared/use-cases/imports/ports.ts';
import { applyingImport } from '../../support/import-record.ts';

const AT = '2026-12-01T09:00:00.000Z';
const IMPORT = '0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d';

const active: User = {
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  email: 'leaver@example.com',
  givenName: 'Lee',
  familyName: 'Vaughan',
  departmentId: null,
  managerId: null,
  jobTitle: null,
  location: null,
  externalId: 'E-1',
  hireDate: null,
  customAttributes: {},
  status: 'active',
  suspendedAt: null,
  suspensionReason: null,
  stickyFields: [],
  linkedLogin: { sub: 'sub-1', username: 'Okta_leaver', linkedAt: AT, by: 'provisioned' },
  scim: null,
  createdAt: AT,
  updatedAt: AT,
  version: 3,
};
const suspension: PersonChange = {
  op: 'person',
  seq: 0,
  line: 2,
  before: active,
  after: {
    ...active,
    status: 'suspended',
    suspendedAt: AT,
    suspensionReason: 'Left the HR feed',
    version: 4,
  },
};
const run: Run = {
  requestId: 'run-1',
  keep: async () => undefined,
  record: applyingImport(1, { id: IMPORT, mode: 'sync', fileName: 'hr.csv', createdAt: AT }),
};

function world(signOut: (username: string) => Promise<'signed-out' | 'aws-only'>) {
  const updates: [User, User][] = [];
  const warnings: string[] = [];
  const deps: PeopleChangeDeps = {
    peopleBulk: {
      current: async () => new Map(),
      write: async () => new Map(),
      restore: async () => new Map(),
    },
    users: {
      update: async (before, after) => {
        updates.push([before, after]);
      },
    },
    directory: { signOut },
    runtime: { now: () => new Date(AT), newId: () => 'id' },
    logger: { info: () => undefined, warn: (message: string) => void warnings.push(message) },
  };
  return { deps, updates, warnings };
}

describe('people in apply', () => {
  it('signs a person suspended by the import out of their login', async () => {
    const signedOut: string[] = [];
    const { deps, updates } = world(async (username) => {
      signedOut.push(username);
      return 'signed-out';
    });
    const refused = await peopleChanges(deps).write([suspension], run);
    expect(refused.size).toBe(0);
    expect(updates.map(([, after]) => after.status)).toEqual(['suspended']);
    expect(signedOut).toEqual(['Okta_leaver']);
  });

  it('keeps the suspension when the sign-out fails, and warns', async () => {
    const { deps, updates, warnings } = world(async () => {
      throw Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' });
    });
    const refused = await peopleChanges(deps).write([suspension], run);
    expect(refused.size).toBe(0);
    expect(updates).toHaveLength(1);
    expect(warnings).toEqual(['suspended by an import, but the sign-out failed']);
  });
});

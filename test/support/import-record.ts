/**
 * Import records as the store keeps them, for tests that drive the plan, apply and undo steps without the
 * API: a new import (as POST /imports makes it) whose plan step has started, and what the test says differs.
 */

import type { ImportRecord } from '../../shared/use-cases/imports/ports.ts';
import { newImport } from '../../shared/use-cases/imports/requests.ts';

/** An import being planned: a people file in our format, unless `overrides` say. */
export function importRecord(overrides: Partial<ImportRecord> = {}): ImportRecord {
  const created = newImport(
    '11111111-1111-4111-8111-111111111111',
    { type: 'people', format: 'lms', mode: 'upsert', fileName: 'people.csv', sizeBytes: 100 },
    'admin',
    overrides.createdAt ?? '2026-01-15T10:00:00.000Z',
  );
  return { ...created, status: 'planning', progress: { step: 'planning', done: 0, total: 0 }, ...overrides };
}

/** An import whose plan of `entries` entries (one part) is being applied, from its start. */
export function applyingImport(entries: number, overrides: Partial<ImportRecord> = {}): ImportRecord {
  return importRecord({
    status: 'applying',
    rows: entries,
    progress: { step: 'applying', done: 0, total: entries },
    plan: { entries, parts: { all: 1 } },
    ...overrides,
  });
}

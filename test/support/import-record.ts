/**
 * Import records as the store keeps them, for tests that drive the plan, apply and undo steps without the
 * API: every field at the value of an import nobody has touched, and what the test says differs.
 */
import { emptyCounts, ImportOptions } from '../../shared/domain/import.ts';
import type { ImportRecord } from '../../shared/use-cases/imports/ports.ts';

/** An import being planned (its plan step has started): a people file in our format, unless `overrides` say. */
export function importRecord(overrides: Partial<ImportRecord> = {}): ImportRecord {
  const at = overrides.createdAt ?? '2026-01-15T10:00:00.000Z';
  return {
    id: '11111111-1111-4111-8111-111111111111',
    type: 'people',
    format: 'lms',
    mode: 'upsert',
    fileName: 'people.csv',
    sizeBytes: 100,
    options: ImportOptions.parse({}),
    status: 'planning',
    createdBy: 'admin',
    createdAt: at,
    updatedAt: at,
    rows: 0,
    counts: emptyCounts(),
    progress: { step: 'planning', done: 0, total: 0 },
    warnings: [],
    approval: { required: false, reason: null, approvedBy: null, approvedAt: null, note: null },
    applied: null,
    undone: null,
    failure: null,
    version: 1,
    plan: null,
    checkpoint: 0,
    lease: null,
    waited: 0,
    ...overrides,
  };
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

/**
 * Planning a Canvas SIS accounts.csv against an in-memory department tree: each account is the department
 * of its name under its parent's (unchanged) or a new one (create, a parent before its sub-departments
 * whatever the file's order); each refused row names its line, column and reason: a missing parent, a loop,
 * a second row of an account, a sibling name taken in the file, too deep a tree, a bad cell; `deleted`
 * removes nothing. Also the corpus sample (../shared/corpus, when present) and the docs sample.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Department } from '../../../shared/domain/department.ts';
import { emptyCounts, ImportOptions } from '../../../shared/domain/import.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import type { ImportRecord, PlanDeps, StoredPlanEntry } from '../../../shared/use-cases/imports/ports.ts';
import { planAccounts } from '../../../shared/use-cases/imports/sis-accounts.ts';

const NOW = '2026-01-15T10:00:00.000Z';
const CORPUS_ACCOUNTS = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'corpus',
  'csv',
  'canvas',
  'accounts.csv',
);
const hasCorpus = existsSync(CORPUS_ACCOUNTS);
if (!hasCorpus)
  console.warn(
    `Skipping the corpus accounts.csv: ${CORPUS_ACCOUNTS} is absent (it sits beside the project in the team kit).`,
  );

const dept = (n: number) => `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function department(n: number, name: string, parent: Department | null): Department {
  return {
    id: dept(n),
    name,
    parentId: parent?.id ?? null,
    managerId: null,
    ancestorIds: parent ? [...parent.ancestorIds, parent.id] : [],
    memberCount: 0,
    childCount: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
  };
}

/** Plans `file` as accounts.csv against `tree`; new departments get the ids n1, n2... */
async function plan(tree: Department[], file: string) {
  let next = 0;
  const deps = {
    departments: {
      list: async () => ({ items: tree, nextCursor: null }),
    },
    runtime: { now: () => new Date(NOW), newId: () => `n${++next}` },
  } as unknown as PlanDeps;
  const record = {
    id: '11111111-1111-4111-8111-111111111111',
    type: 'canvas-sis',
    format: 'canvas',
    mode: 'upsert',
    fileName: 'accounts.csv',
    sizeBytes: file.length,
    options: ImportOptions.parse({}),
    status: 'planning',
    counts: emptyCounts(),
  } as ImportRecord;
  const entries: Omit<StoredPlanEntry, 'seq'>[] = [];
  const outcome = await planAccounts(deps, {
    record,
    open: () =>
      readCsv(
        (async function* () {
          yield Buffer.from(file);
        })(),
      ),
    add: async (entry) => {
      entries.push(entry);
    },
    rowRead: () => {},
  });
  return { entries, ...outcome };
}

/** Each entry as its line, action, key, and (created) name and parent, or (refused) column and reason. */
const summary = (entries: Omit<StoredPlanEntry, 'seq'>[]) =>
  entries.map((entry) => {
    const department = entry.write?.op === 'department' ? entry.write.after : undefined;
    return [
      entry.file,
      entry.line,
      entry.action,
      entry.target.key,
      ...(department
        ? [department.id, department.name, department.parentId, department.ancestorIds.length]
        : []),
      ...(entry.target.id && !department ? [entry.target.id] : []),
      ...(entry.error ? [entry.error.column, entry.error.reason] : []),
      ...(entry.warnings ?? []),
    ];
  });

const HEADER = 'account_id,parent_account_id,name,status\n';

describe('planning accounts.csv', () => {
  it('finds the departments that exist by their place, creates the others, parents first', async () => {
    // Prepare: Humanities exists at the top; the file lists a sub-account before its parent
    const humanities = department(1, 'Humanities', null);
    const file = `${HEADER}A3,A2,Poetry,active\nA1,,HUMANITIES,active\nA2,A1,English,active\nA4,,Sciences,active\n`;

    // Act
    const { entries, departments, warnings } = await plan([humanities], file);

    // Assess
    expect(summary(entries)).toEqual([
      ['accounts.csv', 3, 'unchanged', 'A1', dept(1)],
      ['accounts.csv', 4, 'create', 'A2', 'n1', 'English', dept(1), 1],
      ['accounts.csv', 2, 'create', 'A3', 'n2', 'Poetry', 'n1', 2],
      ['accounts.csv', 5, 'create', 'A4', 'n3', 'Sciences', null, 0],
    ]);
    expect(entries[2]?.write).toEqual({
      op: 'department',
      before: null,
      after: {
        id: 'n2',
        name: 'Poetry',
        parentId: 'n1',
        managerId: null,
        ancestorIds: [dept(1), 'n1'],
        memberCount: 0,
        childCount: 0,
        createdAt: NOW,
        updatedAt: NOW,
        version: 1,
      },
    });
    expect(entries[2]?.diffs).toEqual({
      name: { from: null, to: 'Poetry' },
      parentId: { from: null, to: 'n1' },
    });
    expect([...departments]).toEqual([
      ['A1', dept(1)],
      ['A2', 'n1'],
      ['A3', 'n2'],
      ['A4', 'n3'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('refuses each row it cannot import, naming its line, column and reason; the rest imports', async () => {
    // Prepare
    const file = [
      'account_id,parent_account_id,name,status,integration_id',
      'A1,,Arts,active,x1',
      'A2,A9,Music,active,',
      'A3,A4,Loop one,active,',
      'A4,A3,Loop two,active,',
      'A5,A2,Under music,active,',
      'A1,,Arts again,active,',
      'A6,,arts,active,',
      'A7,,Old,closed,',
      ',,Nameless id,active,',
      'A8,,,active,',
      'A10,A10,Self,active,',
    ].join('\n');

    // Act
    const { entries, warnings } = await plan([], file);

    // Assess: bad cells and repeated ids as they are read, then the tree, parents first
    expect(summary(entries)).toEqual([
      [
        'accounts.csv',
        7,
        'error',
        '',
        'account_id',
        'account_id A1 is that of line 2 already: one row per account',
      ],
      ['accounts.csv', 9, 'error', '', 'status', '"closed" is not a status: active or deleted'],
      [
        'accounts.csv',
        10,
        'error',
        '',
        'account_id',
        'an account_id is required: Canvas’s SIS id for the account',
      ],
      ['accounts.csv', 11, 'error', '', 'name', 'a name is required: the department’s name'],
      ['accounts.csv', 2, 'create', 'A1', 'n1', 'Arts', null, 0],
      [
        'accounts.csv',
        3,
        'error',
        '',
        'parent_account_id',
        'parent_account_id A9 is in no row of accounts.csv: this LMS keeps no Canvas account ids, so a parent account is given in the same file as its sub-accounts',
      ],
      [
        'accounts.csv',
        4,
        'error',
        '',
        'parent_account_id',
        "the accounts' parents make a loop (A3 → A4 → A3): none of them is imported",
      ],
      [
        'accounts.csv',
        5,
        'error',
        '',
        'parent_account_id',
        "the accounts' parents make a loop (A3 → A4 → A3): none of them is imported",
      ],
      ['accounts.csv', 6, 'error', '', 'parent_account_id', 'its parent account A2 (line 3) is not imported'],
      [
        'accounts.csv',
        8,
        'error',
        '',
        'name',
        'the account of line 2 makes a department arts under the same parent already (department names are unique among siblings, ignoring case)',
      ],
      [
        'accounts.csv',
        12,
        'error',
        '',
        'parent_account_id',
        "the accounts' parents make a loop (A10 → A10): none of them is imported",
      ],
    ]);
    expect(warnings).toEqual([
      "Canvas's integration_id of accounts has no place in this LMS (departments keep no second id): not imported.",
    ]);
  });

  it('removes nothing for a deleted account, and refuses its sub-accounts', async () => {
    // Prepare
    const old = department(1, 'Old', null);
    const file = `${HEADER}A1,,Old,deleted\nA2,A1,Under old,active\nA3,,Never here,deleted\n`;

    // Act
    const { entries, departments } = await plan([old], file);

    // Assess
    expect(summary(entries)).toEqual([
      [
        'accounts.csv',
        2,
        'unchanged',
        'A1',
        dept(1),
        `status deleted: departments are deleted through the API once empty (DELETE /departments/${dept(1)}), not by an import; left as it is`,
      ],
      ['accounts.csv', 3, 'error', '', 'parent_account_id', 'its parent account A1 (line 2) is deleted'],
      [
        'accounts.csv',
        4,
        'unchanged',
        'A3',
        'status deleted, and there is no department Never here here: nothing to do',
      ],
    ]);
    expect(departments.size).toBe(0);
  });

  it('refuses a department deeper than 10 levels', async () => {
    // Prepare: a chain of 11 accounts
    const rows = Array.from(
      { length: 11 },
      (_, i) => `A${i},${i === 0 ? '' : `A${i - 1}`},Level ${i},active`,
    );

    // Act
    const { entries } = await plan([], `${HEADER}${rows.join('\n')}\n`);

    // Assess
    expect(entries.map((entry) => entry.action)).toEqual([...Array(10).fill('create'), 'error']);
    expect(entries.at(-1)?.error).toEqual({
      column: 'parent_account_id',
      reason: 'departments nest at most 10 levels deep',
    });
  });

  it('plans the docs sample: three departments', async () => {
    // Prepare
    const file = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'samples', 'canvas-sis', 'accounts.csv'),
      'utf8',
    );

    // Act
    const { entries } = await plan([], file);

    // Assess
    expect(summary(entries)).toEqual([
      ['accounts.csv', 2, 'create', 'HUM', 'n1', 'Humanities', null, 0],
      ['accounts.csv', 3, 'create', 'HUM-ENG', 'n2', 'English', 'n1', 1],
      ['accounts.csv', 4, 'create', 'SCI', 'n3', 'Sciences, Health & "Labs"', null, 0],
    ]);
  });

  it.skipIf(!hasCorpus)(
    "plans the corpus's accounts.csv: Humanities, with English and Spanish under it",
    async () => {
      // Act
      const { entries } = await plan([], readFileSync(CORPUS_ACCOUNTS, 'utf8'));

      // Assess
      expect(summary(entries)).toEqual([
        ['accounts.csv', 2, 'create', 'A001', 'n1', 'Humanities', null, 0],
        ['accounts.csv', 3, 'create', 'A002', 'n2', 'English', 'n1', 1],
        ['accounts.csv', 4, 'create', 'A003', 'n3', 'Spanish', 'n1', 1],
      ]);
    },
  );
});

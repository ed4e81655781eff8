/**
 * Planning a Canvas SIS zip's accounts.csv: accounts become departments. Steps:
 * - the file is read once, each row checked alone (canvas-accounts.ts); a second row of an account_id is
 *   refused, naming the first; the rows are kept (accounts are few: at most 10,000, as departments are);
 * - each account's parent is resolved in the same file (this LMS keeps no Canvas account ids, so a parent
 *   is given where its sub-accounts are), a parent before its children, a loop refused, naming it;
 * - an account is the department with its name under its parent's department (ignoring case, as the API
 *   keeps sibling names unique): `unchanged`, or `create` a new department (at most 10 levels deep);
 * - `deleted` removes nothing: departments are deleted through the API, once empty.
 * Entries come parents first (so apply writes a parent before its sub-departments, whatever the file's
 * order); each names its file and line.
 */
import { type Department, MAX_DEPARTMENT_DEPTH } from '../../domain/department.ts';
import { type AccountRow, canvasAccounts } from '../../imports/canvas-accounts.ts';
import { ImportFileError } from '../../imports/errors.ts';
import { departmentIndex, errorEntry, headerWarnings, inWindows } from './planning.ts';
import type { PlanContext, PlanDeps, StoredPlanEntry } from './ports.ts';

/** Accounts held while their tree is resolved. */
export const MAX_ACCOUNTS = 10_000;

export interface AccountsPlan {
  warnings: string[];
  /** The department of each account the plan finds or creates, by account_id (deleted and refused ones not). */
  departments: Map<string, string>;
}

interface Account {
  line: number;
  raw: string[];
  row: AccountRow;
}

type Resolution =
  | { ok: true; department: Department | null; entry: Omit<StoredPlanEntry, 'seq'> }
  | { ok: false; column: string; reason: string };

export async function planAccounts(deps: PlanDeps, context: PlanContext): Promise<AccountsPlan> {
  const { record } = context;
  const file = record.fileName;
  const warnings: string[] = [];
  const accounts = new Map<string, Account>();
  await inWindows(
    context,
    'department',
    (columns) => warnings.push(...headerWarnings(canvasAccounts, columns)),
    async (rows) => {
      for (const { line, raw, fields } of rows) {
        const outcome = canvasAccounts.row(fields, record);
        if (!outcome.ok) {
          await context.add(errorEntry(file, line, outcome.column, outcome.reason, raw, 'department'));
          continue;
        }
        const first = accounts.get(outcome.value.accountId);
        if (first) {
          await context.add(
            errorEntry(
              file,
              line,
              'account_id',
              `account_id ${outcome.value.accountId} is that of line ${first.line} already: one row per account`,
              raw,
              'department',
            ),
          );
          continue;
        }
        if (accounts.size >= MAX_ACCOUNTS)
          throw new ImportFileError(
            'too-many-rows',
            `${file} holds more than ${MAX_ACCOUNTS.toLocaleString('en')} accounts: this LMS keeps departments in the thousands.`,
          );
        accounts.set(outcome.value.accountId, { line, raw, row: outcome.value });
      }
    },
  );

  const index = await departmentIndex(deps);
  const siblings = new Map<string, Department>();
  for (const department of index.byId.values())
    siblings.set(siblingKey(department.parentId, department.name), department);
  /** New departments by their place, with the line of the account that makes them. */
  const made = new Map<string, number>();
  const now = deps.runtime.now().toISOString();
  const resolved = new Map<string, Resolution>();
  const departments = new Map<string, string>();

  // In the order accounts are settled: a parent before its sub-accounts.
  const order: Account[] = [];
  const settle = (account: Account, resolution: Resolution): Resolution => {
    resolved.set(account.row.accountId, resolution);
    order.push(account);
    if (resolution.ok && resolution.department)
      departments.set(account.row.accountId, resolution.department.id);
    return resolution;
  };

  // Resolves an account after its parent; `chain`: the accounts below it being resolved (a loop's path).
  const resolve = (account: Account, chain: readonly string[]): Resolution => {
    const { accountId, parentAccountId, name, status } = account.row;
    const known = resolved.get(accountId);
    if (known) return known;
    let parent: Department | null = null;
    if (parentAccountId !== null) {
      const above = accounts.get(parentAccountId);
      if (!above)
        return settle(account, {
          ok: false,
          column: 'parent_account_id',
          reason: `parent_account_id ${parentAccountId} is in no row of ${file}: this LMS keeps no Canvas account ids, so a parent account is given in the same file as its sub-accounts`,
        });
      const loop = parentAccountId === accountId ? [] : chain.slice(chain.indexOf(parentAccountId));
      if (parentAccountId === accountId || chain.includes(parentAccountId)) {
        const refusal: Resolution = {
          ok: false,
          column: 'parent_account_id',
          reason: `the accounts' parents make a loop (${[...loop, accountId, parentAccountId].join(' → ')}): none of them is imported`,
        };
        // The others of the loop are being resolved below this one: each finds it settled on return.
        for (const id of loop) {
          const member = accounts.get(id);
          if (member) settle(member, refusal);
        }
        return settle(account, refusal);
      }
      if (chain.length >= MAX_DEPARTMENT_DEPTH)
        return settle(account, {
          ok: false,
          column: 'parent_account_id',
          reason: `departments nest at most ${MAX_DEPARTMENT_DEPTH} levels deep`,
        });
      const up = resolve(above, [...chain, accountId]);
      const settledMeanwhile = resolved.get(accountId);
      if (settledMeanwhile) return settledMeanwhile;
      if (!up.ok || !up.department)
        return settle(account, {
          ok: false,
          column: 'parent_account_id',
          reason: `its parent account ${parentAccountId} (line ${above.line}) is ${up.ok ? 'deleted' : 'not imported'}`,
        });
      parent = up.department;
    }
    const base = { file, line: account.line, diffs: {} };
    const existing = siblings.get(siblingKey(parent?.id ?? null, name));
    if (status === 'deleted')
      return settle(account, {
        ok: true,
        department: null,
        entry: {
          ...base,
          action: 'unchanged',
          target: { kind: 'department', id: existing?.id ?? null, key: accountId },
          warnings: [
            existing
              ? `status deleted: departments are deleted through the API once empty (DELETE /departments/${existing.id}), not by an import; left as it is`
              : `status deleted, and there is no department ${name} here: nothing to do`,
          ],
        },
      });
    if (existing)
      return settle(account, {
        ok: true,
        department: existing,
        entry: {
          ...base,
          action: 'unchanged',
          target: { kind: 'department', id: existing.id, key: accountId },
        },
      });
    const ancestorIds = parent ? [...parent.ancestorIds, parent.id] : [];
    if (ancestorIds.length >= MAX_DEPARTMENT_DEPTH)
      return settle(account, {
        ok: false,
        column: 'parent_account_id',
        reason: `departments nest at most ${MAX_DEPARTMENT_DEPTH} levels deep`,
      });
    const place = siblingKey(parent?.id ?? null, name);
    const twin = made.get(place);
    if (twin !== undefined)
      return settle(account, {
        ok: false,
        column: 'name',
        reason: `the account of line ${twin} makes a department ${name} under the same parent already (department names are unique among siblings, ignoring case)`,
      });
    made.set(place, account.line);
    const department: Department = {
      id: deps.runtime.newId(),
      name,
      parentId: parent?.id ?? null,
      managerId: null,
      ancestorIds,
      memberCount: 0,
      childCount: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    return settle(account, {
      ok: true,
      department,
      entry: {
        ...base,
        action: 'create',
        target: { kind: 'department', id: department.id, key: accountId },
        diffs: { name: { from: null, to: name }, parentId: { from: null, to: department.parentId } },
        write: { op: 'department', before: null, after: department },
      },
    });
  };
  for (const account of accounts.values()) resolve(account, []);
  for (const account of order) {
    const resolution = resolved.get(account.row.accountId);
    if (!resolution) continue;
    await context.add(
      resolution.ok
        ? resolution.entry
        : errorEntry(file, account.line, resolution.column, resolution.reason, account.raw, 'department'),
    );
  }
  return { warnings, departments };
}

/** A department's place: its parent and its name, ignoring case (the API's sibling-name claim). */
function siblingKey(parentId: string | null, name: string): string {
  return `${parentId ?? ''}/${name.trim().toLowerCase()}`;
}

/**
 * Canvas's SIS accounts.csv as rows (doc/api/sis_csv.md): `account_id` (the account's SIS id),
 * `parent_account_id` (empty: under Canvas's root account), `name` and `status` (active or deleted) on
 * every row. Accounts become departments: their tree is the department tree, their names the departments'.
 * A row is checked alone here; its parent and whether its department exists are the planner's.
 */
import { text } from '../domain/common.ts';
import { CellError, cell, checked, type RowFormat, reading } from './rows.ts';

export interface AccountRow {
  accountId: string;
  /** null: a top-level department (under Canvas's root account, which has no department of its own). */
  parentAccountId: string | null;
  name: string;
  status: 'active' | 'deleted';
}

const SisId = text(255);
/** As the API names a department. */
const DepartmentName = text(120);

export const canvasAccounts: RowFormat<AccountRow> = {
  columns: ['account_id', 'parent_account_id', 'name', 'status'],
  required: ['account_id', 'parent_account_id', 'name', 'status'],
  ignored: {
    integration_id:
      "Canvas's integration_id of accounts has no place in this LMS (departments keep no second id): not imported.",
  },
  row(fields) {
    return reading(() => {
      const given = (column: string) => cell(fields, column, 'upsert') ?? undefined;
      const accountId = given('account_id');
      if (!accountId)
        throw new CellError('account_id', 'an account_id is required: Canvas’s SIS id for the account');
      const parent = given('parent_account_id');
      const name = given('name');
      if (!name) throw new CellError('name', 'a name is required: the department’s name');
      const status = given('status')?.toLowerCase();
      if (status !== 'active' && status !== 'deleted')
        throw new CellError(
          'status',
          status
            ? `"${given('status')}" is not a status: active or deleted`
            : 'a status is required: active or deleted',
        );
      return {
        accountId: checked(SisId, 'account_id', accountId, 'an account id of at most 255 characters'),
        parentAccountId:
          parent === undefined
            ? null
            : checked(SisId, 'parent_account_id', parent, 'an account id of at most 255 characters'),
        name: checked(DepartmentName, 'name', name, 'a department name of at most 120 characters'),
        status,
      };
    });
  },
};

/** An identity provider's department value matched to an LMS department: by id, name or path, or why not. */
import { describe, expect, it } from 'vitest';
import type { Department } from '../../shared/domain/department.ts';
import { matchDepartment } from '../../shared/use-cases/departments.ts';

const ids = {
  sales: '0f8fad5b-d9cb-469f-a165-70867728950e',
  emea: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  support: '16fd2706-8baf-433b-82eb-8c7fada847da',
  supportEmea: 'b6e1b7d5-3b2d-4a4b-9b8e-2f0d1c3e4a5b',
};

function department(id: string, name: string, ancestorIds: string[]): Department {
  return {
    id,
    name,
    parentId: ancestorIds.at(-1) ?? null,
    ancestorIds,
    managerId: null,
    memberCount: 0,
    childCount: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  };
}

const tree = [
  department(ids.sales, 'Sales', []),
  department(ids.emea, 'EMEA', [ids.sales]),
  department(ids.support, 'Support', []),
  department(ids.supportEmea, 'EMEA', [ids.support]),
];
const departments = {
  get: async (id: string) => tree.find((candidate) => candidate.id === id),
  named: async (name: string) =>
    tree.filter((candidate) => candidate.name.toLowerCase() === name.trim().toLowerCase()),
};

describe('matchDepartment', () => {
  it.each([
    ['an id', ids.emea, { matched: true, departmentId: ids.emea, by: 'id' }],
    [
      'a name only one department has, any case',
      ' sales ',
      { matched: true, departmentId: ids.sales, by: 'name' },
    ],
    [
      'a path of names from the root',
      'Support / emea',
      { matched: true, departmentId: ids.supportEmea, by: 'path' },
    ],
    ['a name two departments share', 'EMEA', { matched: false, reason: '2 departments are named "EMEA"' }],
    [
      'a path that is not the tree’s',
      'EMEA/Sales',
      { matched: false, reason: 'no department at the path "EMEA/Sales"' },
    ],
    [
      'a path that skips a level',
      'Sales/Support/EMEA',
      { matched: false, reason: 'no department at the path "Sales/Support/EMEA"' },
    ],
    ['an unknown name', 'Marketing', { matched: false, reason: 'no department named "Marketing"' }],
    ['nothing', '  ', { matched: false, reason: 'the identity provider sent no department' }],
  ])('matches %s', async (_name, value, expected) => {
    expect(await matchDepartment(departments, value)).toEqual(expected);
  });
});

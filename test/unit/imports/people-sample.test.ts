/** docs/samples/people.csv, the sample docs/imports.md points to, is a valid people file in our format. */
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImportOptions } from '../../../shared/domain/import.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { lmsPeople } from '../../../shared/imports/people-formats.ts';

describe('docs/samples/people.csv', () => {
  it('reads as three people, every column known', async () => {
    const people = [];
    let columns: string[] = [];
    for await (const event of readCsv(createReadStream('docs/samples/people.csv'))) {
      if (event.kind === 'header') columns = event.columns.map((column) => column.toLowerCase());
      if (event.kind !== 'row') continue;
      const fields = new Map(columns.map((column, index) => [column, event.values[index] ?? '']));
      people.push(lmsPeople.row(fields, { mode: 'upsert', options: ImportOptions.parse({}) }));
    }
    expect(columns.filter((column) => !lmsPeople.columns.includes(column))).toEqual(['custom.cost_centre']);
    expect(people).toEqual([
      {
        ok: true,
        value: {
          email: 'ada.lovelace@example.com',
          givenName: 'Ada',
          familyName: 'Lovelace',
          externalId: 'E1001',
          department: { path: ['Sales', 'Sales EMEA'] },
          jobTitle: 'Head of Sales EMEA',
          location: 'London',
          hireDate: '2019-04-01',
          status: 'active',
          customAttributes: { cost_centre: 'CC-410' },
        },
      },
      {
        ok: true,
        value: {
          email: 'charles.babbage@example.com',
          givenName: 'Charles',
          familyName: 'Babbage',
          externalId: 'E1002',
          department: { path: ['Sales', 'Sales EMEA'] },
          manager: { email: 'ada.lovelace@example.com' },
          jobTitle: 'Account Executive',
          location: 'London',
          hireDate: '2021-09-13',
          status: 'active',
          customAttributes: { cost_centre: 'CC-410' },
        },
      },
      {
        ok: true,
        value: {
          email: 'grace.hopper@example.com',
          givenName: 'Grace',
          familyName: 'Hopper',
          externalId: 'E1003',
          department: { path: ['Engineering'] },
          jobTitle: 'Engineer, Compilers',
          location: 'Arlington',
          hireDate: '2020-01-06',
          status: 'active',
          customAttributes: { cost_centre: 'CC-220' },
        },
      },
    ]);
  });
});

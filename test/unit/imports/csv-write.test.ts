import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../shared/imports/csv.ts';
import { csvLine } from '../../../shared/imports/csv-write.ts';

describe('csvLine', () => {
  it('writes plain cells as they are, separated by commas, ending with CRLF', () => {
    // Act / Assess
    expect(csvLine(['3', 'ada@example.com', 'Ada Lovelace', ''])).toBe('3,ada@example.com,Ada Lovelace,\r\n');
  });

  it.each([
    ['a comma', 'Rocking it, Bio Style', '"Rocking it, Bio Style"'],
    ['a quote', 'Art 105: "Art as a Medium"', '"Art 105: ""Art as a Medium"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a CRLF', 'two\r\nlines', '"two\r\nlines"'],
  ])('quotes a cell holding %s, doubling its quotes', (_label, value, written) => {
    // Act / Assess
    expect(csvLine([value])).toBe(`${written}\r\n`);
  });

  it.each([
    ['=', '=1+1', "'=1+1"],
    ['+', '+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['a tab', '\t=1+1', "'\t=1+1"],
    ['NUL', '\0=1+1', "'\0=1+1"],
  ])('puts a single quote before a cell starting with %s', (_label, value, written) => {
    // Act / Assess
    expect(csvLine(['1', value])).toBe(`1,${written}\r\n`);
  });

  it('neutralises a cell starting with a carriage return, and quotes it for the line break it holds', () => {
    // Act / Assess
    expect(csvLine(['\r=1+1'])).toBe(`"'\r=1+1"\r\n`);
  });

  it('neutralises, then quotes, a formula holding quotes and commas', () => {
    // Act / Assess
    expect(csvLine(['=HYPERLINK("http://x.example/?a=1,b=2","Click")'])).toBe(
      `"'=HYPERLINK(""http://x.example/?a=1,b=2"",""Click"")"\r\n`,
    );
  });

  it('leaves a cell alone when the formula character is not first', () => {
    // Act / Assess
    expect(csvLine(['a=b', ' -1', "'=already"])).toBe("a=b, -1,'=already\r\n");
  });

  it('writes lines the CSV reader reads back to the same values (the neutralising quote aside)', async () => {
    // Prepare
    const rows = [
      ['line', 'reason'],
      ['2', 'Expected 3 fields, as the header has, found 2.'],
      ['5', 'He said "hi"\non two lines'],
    ];
    async function* file() {
      yield Buffer.from(rows.map(csvLine).join(''));
    }

    // Act
    const events = [];
    for await (const event of readCsv(file())) events.push(event);

    // Assess
    expect(events).toEqual([
      { kind: 'header', columns: ['line', 'reason'] },
      { kind: 'row', line: 2, values: ['2', 'Expected 3 fields, as the header has, found 2.'] },
      { kind: 'row', line: 3, values: ['5', 'He said "hi"\non two lines'] },
    ]);
  });
});

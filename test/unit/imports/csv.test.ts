import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type CsvEvent, CsvFileError, type CsvOptions, readCsv } from '../../../shared/imports/csv.ts';

/** The file as one chunk, or cut into the chunks given. */
async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

/** The same bytes, one byte per chunk: every boundary a chunk can fall on. */
async function* byteByByte(text: string | Uint8Array): AsyncGenerator<Uint8Array> {
  for (const byte of typeof text === 'string' ? Buffer.from(text) : text) yield Uint8Array.of(byte);
}

async function events(source: AsyncIterable<Uint8Array>, options?: CsvOptions): Promise<CsvEvent[]> {
  const out: CsvEvent[] = [];
  for await (const event of readCsv(source, options)) out.push(event);
  return out;
}

/** Reads the file to its end and returns the CsvFileError it must throw, with the events before it. */
async function fileError(
  source: AsyncIterable<Uint8Array>,
  options?: CsvOptions,
): Promise<{ error: CsvFileError; before: CsvEvent[] }> {
  const before: CsvEvent[] = [];
  try {
    for await (const event of readCsv(source, options)) before.push(event);
  } catch (error) {
    if (error instanceof CsvFileError) return { error, before };
    throw error;
  }
  throw new Error(`expected a CsvFileError, got ${JSON.stringify(before)}`);
}

const header = (...columns: string[]): CsvEvent => ({ kind: 'header', columns });
const row = (line: number, ...values: string[]): CsvEvent => ({ kind: 'row', line, values });

describe('readCsv: text', () => {
  const expected = [
    header('email', 'name'),
    row(2, 'ada@example.com', 'Ada'),
    row(3, 'bob@example.com', 'Bob'),
  ];

  it.each([
    ['LF', 'email,name\nada@example.com,Ada\nbob@example.com,Bob\n'],
    ['CRLF', 'email,name\r\nada@example.com,Ada\r\nbob@example.com,Bob\r\n'],
    ['a lone CR (old Mac)', 'email,name\rada@example.com,Ada\rbob@example.com,Bob\r'],
    ['a UTF-8 byte order mark', '\ufeffemail,name\r\nada@example.com,Ada\r\nbob@example.com,Bob\r\n'],
    ['no line break after the last line', 'email,name\nada@example.com,Ada\nbob@example.com,Bob'],
  ])('reads a file with %s', async (_label, text) => {
    // Act
    const whole = await events(chunks(text));
    const split = await events(byteByByte(text));

    // Assess
    expect(whole).toEqual(expected);
    expect(split).toEqual(expected);
  });

  it('reads quoted fields holding delimiters, doubled quotes and line breaks, with the line each row starts on', async () => {
    // Prepare
    const text = [
      'course,title,notes',
      'C1,"Biology 300: Rocking it, Bio Style",plain',
      'C2,"Art 105: ""Art as a Medium""",""',
      'C3,"Two',
      'lines\r',
      'and three",x',
      'C4,last,"a ""quoted"" word, a comma"',
    ].join('\n');

    // Act
    const whole = await events(chunks(text));
    const split = await events(byteByByte(text));

    // Assess
    const expected = [
      header('course', 'title', 'notes'),
      row(2, 'C1', 'Biology 300: Rocking it, Bio Style', 'plain'),
      row(3, 'C2', 'Art 105: "Art as a Medium"', ''),
      row(4, 'C3', 'Two\nlines\r\nand three', 'x'),
      row(7, 'C4', 'last', 'a "quoted" word, a comma'),
    ];
    expect(whole).toEqual(expected);
    expect(split).toEqual(expected);
  });

  it('skips blank lines, lines of spaces and lines of only delimiters, and still reports real line numbers', async () => {
    // Prepare
    const text = '\n\nemail,name\n\nada@example.com,Ada\n   \n,\n\r\nbob@example.com,Bob\n\n';

    // Act
    const result = await events(chunks(text));

    // Assess
    expect(result).toEqual([
      header('email', 'name'),
      row(5, 'ada@example.com', 'Ada'),
      row(9, 'bob@example.com', 'Bob'),
    ]);
  });

  it('trims header names but returns values as written, formula-looking cells included', async () => {
    // Prepare
    const text = ' email , Name\n=HYPERLINK("http://x.example"), +1 \n@SUM(A1),-2\n';

    // Act
    const result = await events(chunks(text));

    // Assess
    expect(result).toEqual([
      header('email', 'Name'),
      row(2, '=HYPERLINK("http://x.example")', ' +1 '),
      row(3, '@SUM(A1)', '-2'),
    ]);
  });

  it('keeps a quote inside an unquoted field as a plain character', async () => {
    // Act
    const result = await events(chunks('item,size\nfloppy,3.5" disk\n'));

    // Assess
    expect(result).toEqual([header('item', 'size'), row(2, 'floppy', '3.5" disk')]);
  });

  it.each([
    [';', 'email;name\nada@example.com;Ada\n'],
    ['\t', 'email\tname\nada@example.com\tAda\n'],
    ['|', 'email|name\nada@example.com|Ada\n'],
  ] as const)('reads a file with the declared delimiter %j', async (delimiter, text) => {
    // Act
    const result = await events(chunks(text), { delimiter });

    // Assess
    expect(result).toEqual([header('email', 'name'), row(2, 'ada@example.com', 'Ada')]);
  });

  it('reads a Node stream (an S3 object body is one)', async () => {
    // Act
    const result = await events(
      Readable.from([Buffer.from('email,name\n'), Buffer.from('ada@example.com,Ada\n')]),
    );

    // Assess
    expect(result).toEqual([header('email', 'name'), row(2, 'ada@example.com', 'Ada')]);
  });

  it('refuses a stream that decodes text itself: invalid bytes would already be replaced', async () => {
    // Prepare
    const stream = Readable.from([Buffer.from('email\nada@example.com\n')]).setEncoding('utf8');

    // Act / Assess
    await expect(events(stream)).rejects.toThrow(
      new TypeError('readCsv reads bytes: do not set an encoding on the stream'),
    );
  });
});

describe('readCsv: rows that cannot be read', () => {
  it('reports a row with too few or too many fields, naming expected and found, and reads on', async () => {
    // Prepare
    const text =
      'email,name,department\nada@example.com,Ada\nbob@example.com,Bob,Sales,extra\ncy@example.com,Cy,R&D\n';

    // Act
    const result = await events(chunks(text));

    // Assess
    expect(result).toEqual([
      header('email', 'name', 'department'),
      { kind: 'row-error', line: 2, reason: 'Expected 3 fields, as the header has, found 2.' },
      { kind: 'row-error', line: 3, reason: 'Expected 3 fields, as the header has, found 4.' },
      row(4, 'cy@example.com', 'Cy', 'R&D'),
    ]);
  });

  it('names the lines a row runs over when a quoted field took lines with it', async () => {
    // Prepare: the quote opened on line 2 closes on line 4, and the row it makes has a field too many
    const text = 'name,email\n"Ada,ada@example.com\nBob,bob@example.com\n",x,y\nCy,cy@example.com\n';

    // Act
    const result = await events(chunks(text));

    // Assess
    expect(result).toEqual([
      header('name', 'email'),
      {
        kind: 'row-error',
        line: 2,
        reason:
          'Expected 2 fields, as the header has, found 3. The row runs from line 2 to line 4: check its quotes.',
      },
      row(5, 'Cy', 'cy@example.com'),
    ]);
  });

  it('reports a closing quote followed by something other than a delimiter, and reads on after that row', async () => {
    // Prepare
    const text = 'name,comment\nAda,"He said "hi" twice"\n"Bob\nsmith"x,y\n"Cy" ,z\nDee,ok\n';

    // Act
    const result = await events(byteByByte(text));

    // Assess
    expect(result).toEqual([
      header('name', 'comment'),
      {
        kind: 'row-error',
        line: 2,
        reason:
          'The quoted field on line 2 ends with a quote followed by \'h\', not by a delimiter or the end of the line: a quote inside a quoted field must be doubled ("").',
      },
      {
        kind: 'row-error',
        line: 3,
        reason:
          'The quoted field from line 3 to line 4 ends with a quote followed by \'x\', not by a delimiter or the end of the line: a quote inside a quoted field must be doubled ("").',
      },
      {
        kind: 'row-error',
        line: 5,
        reason:
          'The quoted field on line 5 ends with a quote followed by a space, not by a delimiter or the end of the line: a quote inside a quoted field must be doubled ("").',
      },
      row(6, 'Dee', 'ok'),
    ]);
  });

  it('recovers from a quote never closed: that row is reported, the lines after it are read as rows', async () => {
    // Prepare
    const text = 'name,email\nAda,"ada@example.com\nBob,bob@example.com\r\nCy,cy@example.com';

    // Act
    const whole = await events(chunks(text));
    const split = await events(byteByByte(text));

    // Assess
    const expected = [
      header('name', 'email'),
      { kind: 'row-error', line: 2, reason: 'A quote opened on line 2 is never closed.' },
      row(3, 'Bob', 'bob@example.com'),
      row(4, 'Cy', 'cy@example.com'),
    ];
    expect(whole).toEqual(expected);
    expect(split).toEqual(expected);
  });

  it('reports a row longer than maxRecordBytes, skips to its end (following quotes) and reads on', async () => {
    // Prepare: line 3 is 100 bytes, with a quoted line break inside, against a 64-byte limit
    const long = `${'x'.repeat(40)},"${'y'.repeat(20)}\n${'z'.repeat(36)}"`;
    const text = `a,b\n1,2\n${long}\n3,4\n`;

    // Act
    const whole = await events(chunks(text), { limits: { maxRecordBytes: 64 } });
    const split = await events(byteByByte(text), { limits: { maxRecordBytes: 64 } });

    // Assess
    const expected = [
      header('a', 'b'),
      row(2, '1', '2'),
      { kind: 'row-error', line: 3, reason: 'This row is longer than 64 bytes, the most a row may hold.' },
      row(5, '3', '4'),
    ];
    expect(whole).toEqual(expected);
    expect(split).toEqual(expected);
  });

  it('reads a row of exactly maxRecordBytes', async () => {
    // Act
    const result = await events(chunks(`a,b\n${'x'.repeat(30)},${'y'.repeat(33)}\n`), {
      limits: { maxRecordBytes: 64 },
    });

    // Assess
    expect(result).toEqual([header('a', 'b'), row(2, 'x'.repeat(30), 'y'.repeat(33))]);
  });

  it('reports a row with more fields than maxColumns without holding them', async () => {
    // Act
    const result = await events(chunks('a,b\n', ','.repeat(20), '\n3,4\n'), { limits: { maxColumns: 5 } });

    // Assess
    expect(result).toEqual([
      header('a', 'b'),
      { kind: 'row-error', line: 2, reason: 'This row has more than 5 fields, the most a row may have.' },
      row(3, '3', '4'),
    ]);
  });
});

describe('readCsv: files that cannot be imported', () => {
  it.each([
    ['a 0-byte file', ''],
    ['only a byte order mark', '\ufeff'],
    ['only blank lines and spaces', '\ufeff \r\n\n\t\n'],
    ['only delimiters', ',,,\n,,\n'],
  ])('refuses %s as empty', async (_label, text) => {
    // Act
    const { error } = await fileError(chunks(text));

    // Assess
    expect(error.code).toBe('empty');
    expect(error.message).toBe(
      'The file is empty: it needs a header line naming the columns, then one line per row.',
    );
  });

  it('refuses a header without rows, after the header event', async () => {
    // Act
    const { error, before } = await fileError(chunks('email,name\r\n\r\n'));

    // Assess
    expect(before).toEqual([header('email', 'name')]);
    expect(error.code).toBe('no-rows');
    expect(error.message).toBe('The file has a header but no rows: add one line per row under it.');
  });

  it.each([
    [
      ',',
      'email;name;department\nada@example.com;Ada;Sales\n',
      "The file looks ;-separated, not ,-separated: say delimiter ';' or save it as CSV with commas.",
    ],
    [
      ',',
      '"email";"name"\n"ada@example.com";"Ada"\n',
      "The file looks ;-separated, not ,-separated: say delimiter ';' or save it as CSV with commas.",
    ],
    [
      ',',
      'email\tname\nada@example.com\tAda\n',
      'The file looks tab-separated, not ,-separated: say delimiter tab or save it as CSV with commas.',
    ],
    [
      ';',
      'username,firstname,lastname,email\nstudent1,Student,One,s1@example.com\n',
      "The file looks ,-separated, not ;-separated: say delimiter ',' or save it with ; between fields.",
    ],
  ] as const)('names the delimiter a file uses when %j was declared', async (delimiter, text, message) => {
    // Act
    const { error } = await fileError(chunks(text), { delimiter });

    // Assess
    expect(error.code).toBe('delimiter');
    expect(error.line).toBe(1);
    expect(error.message).toBe(message);
  });

  it('reads a one-column file, and a header whose quoted name holds another delimiter', async () => {
    // Act
    const oneColumn = await events(chunks('email\nada@example.com\n'));
    const quotedName = await events(chunks('"Last; First",email\n"Lovelace; Ada",ada@example.com\n'));

    // Assess
    expect(oneColumn).toEqual([header('email'), row(2, 'ada@example.com')]);
    expect(quotedName).toEqual([header('Last; First', 'email'), row(2, 'Lovelace; Ada', 'ada@example.com')]);
  });

  it.each([
    [
      'an .xlsx workbook (a zip)',
      Buffer.from('504b0304140006000800000021000000', 'hex'),
      'The file is a zip archive (an Excel .xlsx workbook is one), not CSV text: open it in your spreadsheet and save it as CSV (UTF-8).',
    ],
    [
      'an .xls workbook',
      Buffer.from('d0cf11e0a1b11ae10000000000000000', 'hex'),
      'The file is an Office document (an Excel .xls workbook is one), not CSV text: open it in your spreadsheet and save it as CSV (UTF-8).',
    ],
    [
      'a PDF',
      Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
      'The file is a PDF document, not CSV text: export the data as CSV (UTF-8) instead.',
    ],
    [
      'a gzip file',
      Buffer.from('1f8b0800000000000003', 'hex'),
      'The file is gzip-compressed: decompress it and upload the CSV file inside.',
    ],
  ])('refuses %s as binary', async (_label, bytes, message) => {
    // Act
    const whole = await fileError(chunks(bytes));
    const split = await fileError(byteByByte(bytes));

    // Assess
    for (const { error, before } of [whole, split]) {
      expect(before).toEqual([]);
      expect(error.code).toBe('binary');
      expect(error.message).toBe(message);
    }
  });

  it('refuses a file holding NUL bytes as binary, naming the line', async () => {
    // Act
    const { error } = await fileError(
      chunks('email,name\r\nada@example.com,Ada\r\n', 'bob@example.com,B\u0000b\r\n'),
    );

    // Assess
    expect(error.code).toBe('binary');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      'The file holds binary data (a NUL byte on line 3), not CSV text: open it in your spreadsheet and save it as CSV (UTF-8).',
    );
  });

  it('refuses UTF-16 text', async () => {
    // Act
    const { error } = await fileError(chunks(Buffer.from('\ufeffemail\n', 'utf16le')));

    // Assess
    expect(error.code).toBe('encoding');
    expect(error.message).toBe(
      'The file is UTF-16 text: open it in your spreadsheet and save it as CSV (UTF-8).',
    );
  });

  it.each([
    [
      'Windows-1252 é on the last line of a chunk',
      [Buffer.from('name,city\nAda,London\nZo\xe9 Paris', 'latin1')],
      3,
    ],
    [
      'Windows-1252 é at the start of a chunk',
      [Buffer.from('name,city\nAda,London\nZo', 'latin1'), Buffer.from('\xe9,Paris\n', 'latin1')],
      3,
    ],
    [
      'a bad byte after a character split between chunks',
      [
        Buffer.from('name,city\nAda,'),
        Uint8Array.of(0xe2),
        Uint8Array.of(0x82, 0xac, 0x0a, 0x42, 0x2c, 0xff, 0x0a),
      ],
      3,
    ],
    [
      'a character cut short by a line break',
      [Buffer.from('name,city\r\nAda,'), Uint8Array.of(0xe2, 0x82, 0x0d, 0x0a)],
      2,
    ],
    [
      'a continuation byte that ends no character, at a chunk boundary',
      [Buffer.from('name,city\nAda,London\nBob,'), Buffer.from('€'), Uint8Array.of(0x80, 0x0a)],
      3,
    ],
    [
      'a character the file ends in the middle of',
      [Buffer.from('name,city\nAda,London\nBob,'), Uint8Array.of(0xf0, 0x9f)],
      3,
    ],
  ])('refuses invalid UTF-8 (%s), naming the line', async (_label, parts, line) => {
    // Act
    const { error } = await fileError(chunks(...parts));

    // Assess
    expect(error.code).toBe('encoding');
    expect(error.line).toBe(line);
    expect(error.message).toBe(
      `Line ${line} is not UTF-8 text (the file may be in another encoding, such as Windows-1252): open it in your spreadsheet and save it as CSV (UTF-8).`,
    );
  });

  it('reads characters that straddle chunks', async () => {
    // Act
    const result = await events(byteByByte('name,city\nZoë,Zürich 🏔\n'));

    // Assess
    expect(result).toEqual([header('name', 'city'), row(2, 'Zoë', 'Zürich 🏔')]);
  });

  it('refuses a header of 10,000 columns', async () => {
    // Prepare
    const names = Array.from({ length: 10_000 }, (_, index) => `c${index}`).join(',');

    // Act
    const { error } = await fileError(chunks(`${names}\n1\n`));

    // Assess
    expect(error.code).toBe('columns');
    expect(error.line).toBe(1);
    expect(error.message).toBe(
      'The header on line 1 has more than 500 columns, the most an import file may have.',
    );
  });

  it('refuses a header that names a column twice, ignoring case and surrounding spaces', async () => {
    // Act
    const { error } = await fileError(chunks('\nEmail,name, email \nada@example.com,Ada,ada@example.com\n'));

    // Assess
    expect(error.code).toBe('duplicate-column');
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      'The header names the column "email" twice (columns 1 and 3; names are compared ignoring case and surrounding spaces): rename or remove one.',
    );
  });

  it('refuses a header it cannot read', async () => {
    // Act
    const { error } = await fileError(chunks(`${'x'.repeat(100)}\n1\n`), { limits: { maxRecordBytes: 64 } });

    // Assess
    expect(error.code).toBe('unreadable');
    expect(error.line).toBe(1);
    expect(error.message).toBe(
      'The header on line 1 cannot be read. This row is longer than 64 bytes, the most a row may hold.',
    );
  });

  it('refuses the file when a quote is never closed and the rest outgrows maxRecordBytes', async () => {
    // Act
    const { error, before } = await fileError(chunks('a,b\n1,2\n3,"', `${'x\n'.repeat(100)}`), {
      limits: { maxRecordBytes: 64 },
    });

    // Assess
    expect(before).toEqual([header('a', 'b'), row(2, '1', '2')]);
    expect(error.code).toBe('unreadable');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      'A quote opened on line 3 is never closed, and the row it is in (from line 3) is longer than 64 bytes: the rest of the file cannot be read. Check the quotes on line 3.',
    );
  });

  it('refuses a file with more than maxRows rows, naming the first line over', async () => {
    // Act
    const { error, before } = await fileError(chunks('n\n1\n\n2\n3\n'), { limits: { maxRows: 2 } });

    // Assess
    expect(before).toEqual([header('n'), row(2, '1'), row(4, '2')]);
    expect(error.code).toBe('too-many-rows');
    expect(error.line).toBe(5);
    expect(error.message).toBe(
      'The file has more than 2 rows (line 5 is one too many): split it into files of at most that many rows.',
    );
  });

  it('refuses limits that are not positive integers', async () => {
    // Act / Assess
    await expect(events(chunks('a\n1\n'), { limits: { maxRows: 0 } })).rejects.toThrow(
      new RangeError('CSV limit maxRows must be a positive integer, got 0'),
    );
  });
});

// Memory is measured after a full collection, so only what the reader keeps alive counts.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
function retainedBytes(): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
const MiB = 1024 * 1024;

describe('readCsv: memory and backpressure', () => {
  it('reads past a 100 MB line holding no more than about maxRecordBytes of it', async () => {
    // Prepare: 1,600 fresh 64 KiB chunks of one line, never a 100 MB string
    const baseline = retainedBytes();
    let peak = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('email,name\nada@example.com,Ada\n');
      for (let index = 0; index < 1600; index++) {
        if (index % 200 === 0) peak = Math.max(peak, retainedBytes() - baseline);
        yield Buffer.alloc(64 * 1024, 'x');
      }
      peak = Math.max(peak, retainedBytes() - baseline);
      yield Buffer.from('\nbob@example.com,Bob\n');
    }

    // Act
    const result = await events(source());

    // Assess
    expect(result).toEqual([
      header('email', 'name'),
      row(2, 'ada@example.com', 'Ada'),
      { kind: 'row-error', line: 3, reason: 'This row is longer than 1 MiB, the most a row may hold.' },
      row(4, 'bob@example.com', 'Bob'),
    ]);
    // 1 MiB held at most, plus the chunk being scanned: far from the 100 MB read.
    expect(peak).toBeLessThan(4 * MiB);
  }, 120_000);

  it('reads 1,000,000 rows with the memory of a few chunks, pulling chunks as rows are consumed', async () => {
    // Prepare
    const baseline = retainedBytes();
    let peak = 0;
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('id,email\n');
      for (let chunk = 0; chunk < 1000; chunk++) {
        pulled++;
        if (chunk % 100 === 0) peak = Math.max(peak, retainedBytes() - baseline);
        let text = '';
        for (let id = chunk * 1000; id < (chunk + 1) * 1000; id++) text += `${id},u${id}@example.com\n`;
        yield Buffer.from(text);
      }
    }
    let rows = 0;
    let last: CsvEvent | undefined;
    let pulledAtRow500k = 0;

    // Act
    for await (const event of readCsv(source())) {
      if (event.kind !== 'row') continue;
      rows++;
      last = event;
      if (rows === 500_000) pulledAtRow500k = pulled;
    }

    // Assess
    expect(rows).toBe(1_000_000);
    expect(last).toEqual(row(1_000_001, '999999', 'u999999@example.com'));
    expect(pulledAtRow500k).toBe(500);
    expect(peak).toBeLessThan(4 * MiB);
  }, 120_000);

  it('stops pulling, and closes the source, when the consumer stops', async () => {
    // Prepare
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let chunk = 0; chunk < 1000; chunk++) {
          pulled++;
          yield Buffer.from(chunk === 0 ? `n\n${'1\n'.repeat(100)}` : '1\n'.repeat(100));
        }
      } finally {
        closed = true;
      }
    }
    let rows = 0;

    // Act
    for await (const event of readCsv(source())) {
      if (event.kind === 'row') rows++;
      if (rows === 10) break;
    }

    // Assess
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
  });
});

const corpus = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'csv');
const corpusPresent = existsSync(corpus);
if (!corpusPresent) console.warn(`csv reader: no corpus at ${corpus}; the real-world CSV tests are skipped`);

describe.skipIf(!corpusPresent)('readCsv: the Moodle and Canvas files of the corpus', () => {
  const read = (path: string) => events(chunks(readFileSync(join(corpus, path))));

  it('reads every corpus file with its rows and no row errors', async () => {
    // Prepare
    const files = ['moodle', 'canvas'].flatMap((folder) =>
      readdirSync(join(corpus, folder)).map((name) => `${folder}/${name}`),
    );

    // Act
    const results = await Promise.all(files.map(async (path) => [path, await read(path)] as const));

    // Assess
    expect(files).toHaveLength(17);
    for (const [path, result] of results) {
      expect(result[0]?.kind, path).toBe('header');
      expect(
        result.filter((event) => event.kind === 'row-error'),
        path,
      ).toEqual([]);
      expect(result.length, path).toBeGreaterThan(1);
    }
  });

  it('reads Moodle example.csv, whose last line has no line break', async () => {
    // Act
    const result = await read('moodle/example.csv');

    // Assess
    expect(result).toEqual([
      header('username', 'firstname', 'lastname', 'email'),
      row(2, 'student1', 'Student', 'One', 's1@example.com'),
      row(3, 'student2', 'Student', 'Two', 's2@example.com'),
      row(4, 'student3', 'Student', 'Three', 's3@example.com'),
    ]);
  });

  it("reads Canvas courses.csv's quoted commas and doubled quotes, and terms.csv's dates as written", async () => {
    // Act
    const courses = await read('canvas/courses.csv');
    const terms = await read('canvas/terms.csv');

    // Assess
    expect(courses.slice(2)).toEqual([
      row(3, 'R001104', 'BIO300', 'Biology 300: Rocking it, Bio Style', 'A004', 'Fall2011', 'active'),
      row(4, 'A110035', 'ART105', 'Art 105: "Art as a Medium"', 'A001', '', 'active'),
    ]);
    expect(terms[2]).toEqual(
      row(3, 'T002', 'Spring2011', 'active', '2013-1-03 00:00:00', '2013-05-03 00:00:00-06:00'),
    );
  });
});

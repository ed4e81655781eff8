/**
 * Reading an uploaded CSV file for an import: streamed, with bounded memory, one event per row, and the file's
 * real line numbers.
 *
 * The bytes go through three steps:
 * 1. The first bytes say what the file is: zip (.xlsx), .xls, PDF, gzip and UTF-16 are refused with what to do
 *    instead, and a UTF-8 byte order mark is dropped. Every chunk is then checked for NUL bytes and decoded by a
 *    fatal streaming TextDecoder, so text that is not UTF-8 is refused naming its line, never silently replaced.
 * 2. The framer ({@link RecordFramer}) follows quotes to find where each record starts and ends, and counts
 *    lines. It holds at most `maxRecordBytes` of one record: a longer one is skipped to its end and reported as
 *    that row's error. A malformed quote costs its own row; a quote never closed is reported and the lines after
 *    it are read again.
 * 3. csv-parse splits batches of whole, well-formed records into fields and undoes their quoting.
 *
 * Why csv-parse does not get the stream itself (checked with csv-parse 7.0.3): its `max_record_size` stops the
 * parser, and with `skip_records_with_error` the rest of the chunk in progress is dropped, so every row after an
 * overlong one vanishes without a `skip` event; and its line count (`info.lines`) counts a CRLF inside a quoted
 * field as two lines. With the framer in front, csv-parse only ever sees records it reads without error.
 */
import { parse as parseRecords } from 'csv-parse/sync';

/** The delimiters an import may declare. */
export type CsvDelimiter = ',' | ';' | '\t' | '|';

/** What one file may hold. Each bounds memory or work; see {@link DEFAULT_CSV_LIMITS}. */
export interface CsvLimits {
  /** Columns in the header, and fields in a row. */
  maxColumns: number;
  /** Bytes of one record (line breaks inside quoted fields included): the most of it the reader ever holds. */
  maxRecordBytes: number;
  /** Data rows: rows and row errors, blank lines aside. */
  maxRows: number;
}

export const DEFAULT_CSV_LIMITS: Readonly<CsvLimits> = {
  maxColumns: 500,
  maxRecordBytes: 1024 * 1024,
  maxRows: 2_000_000,
};

export interface CsvOptions {
  /**
   * The delimiter the file is declared to use. A header that does not split on it but does on another is refused
   * with a `delimiter` error naming the other.
   * @default ','
   */
  delimiter?: CsvDelimiter;
  /** @default {@link DEFAULT_CSV_LIMITS} */
  limits?: Partial<CsvLimits>;
}

export type CsvEvent =
  /** The header: names trimmed, in file order (an unnamed column is ''). Comes first, once. */
  | { kind: 'header'; columns: string[] }
  /** A row with as many values as the header has columns, exactly as written (not trimmed, formulas kept). */
  | { kind: 'row'; line: number; values: string[] }
  /** A row that cannot be read; reading goes on after it. */
  | { kind: 'row-error'; line: number; reason: string };

export type CsvFileErrorCode =
  | 'empty'
  | 'binary'
  | 'encoding'
  | 'no-rows'
  | 'delimiter'
  | 'columns'
  | 'duplicate-column'
  | 'unreadable'
  | 'too-many-rows';

/** The file as a whole cannot be imported: `message` says why and what to do; `line` where it shows, if it does. */
export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/**
 * Reads a CSV file as it streams: a `header` event, then one `row` or `row-error` event per record, in file
 * order. Lines are the file's own (1-based, where the record starts; blank lines are skipped but counted). The
 * source is pulled only as events are consumed, and stopping early (`break`) closes it.
 *
 * @throws {CsvFileError} when the file itself cannot be imported (binary, not UTF-8, empty, wrong delimiter, ...).
 *
 * @example
 * for await (const event of readCsv(s3Object.Body, { delimiter: ';' })) {
 *   if (event.kind === 'row') plan(event.line, event.values);
 * }
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  options: CsvOptions = {},
): AsyncGenerator<CsvEvent> {
  const delimiter = options.delimiter ?? ',';
  const limits = resolveLimits(options.limits);
  const framer = new RecordFramer(delimiter.charCodeAt(0), limits);
  const text = new TextCheck();
  const rows = new RowReader(delimiter, limits);
  // The first bytes are gathered until there are enough to recognise a binary format.
  let head: Uint8Array | undefined = EMPTY;

  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      throw new TypeError('readCsv reads bytes: do not set an encoding on the stream');
    }
    let bytes: Uint8Array = chunk;
    if (head) {
      head = concat([head, bytes]);
      if (head.length < SNIFF_BYTES) continue;
      bytes = textStart(head);
      head = undefined;
    }
    text.check(bytes, framer);
    framer.push(bytes);
    yield* rows.read(framer.take());
  }
  if (head) {
    const bytes = textStart(head);
    text.check(bytes, framer);
    framer.push(bytes);
  }
  text.end(framer);
  framer.end();
  yield* rows.read(framer.take());
  rows.end();
}

const EMPTY = new Uint8Array(0);
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
/** Enough to recognise the longest signature below (OLE2's 8 bytes). */
const SNIFF_BYTES = 8;
/** Whole records are handed to csv-parse in batches of about this size. */
const BATCH_BYTES = 64 * 1024;

const SAVE_AS_CSV = 'open it in your spreadsheet and save it as CSV (UTF-8)';
const SIGNATURES: { bytes: number[]; code: CsvFileErrorCode; message: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    code: 'binary',
    message: `The file is a zip archive (an Excel .xlsx workbook is one), not CSV text: ${SAVE_AS_CSV}.`,
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    code: 'binary',
    message: `The file is an Office document (an Excel .xls workbook is one), not CSV text: ${SAVE_AS_CSV}.`,
  },
  {
    bytes: [0x25, 0x50, 0x44, 0x46, 0x2d],
    code: 'binary',
    message: 'The file is a PDF document, not CSV text: export the data as CSV (UTF-8) instead.',
  },
  {
    bytes: [0x1f, 0x8b],
    code: 'binary',
    message: 'The file is gzip-compressed: decompress it and upload the CSV file inside.',
  },
  { bytes: [0xff, 0xfe], code: 'encoding', message: `The file is UTF-16 text: ${SAVE_AS_CSV}.` },
  { bytes: [0xfe, 0xff], code: 'encoding', message: `The file is UTF-16 text: ${SAVE_AS_CSV}.` },
];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function resolveLimits(limits: Partial<CsvLimits> = {}): CsvLimits {
  const resolved = { ...DEFAULT_CSV_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`CSV limit ${name} must be a positive integer, got ${value}`);
    }
  }
  return resolved;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** Refuses a binary or UTF-16 file by its first bytes; returns the text after a UTF-8 byte order mark. */
function textStart(head: Uint8Array): Uint8Array {
  const signature = SIGNATURES.find(({ bytes }) => startsWith(head, bytes));
  if (signature) throw new CsvFileError(signature.code, signature.message);
  return startsWith(head, UTF8_BOM) ? head.subarray(UTF8_BOM.length) : head;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** Where the next byte of the file is: its line, and whether the byte before it was a CR (CRLF is one break). */
interface LinePosition {
  line: number;
  afterCR: boolean;
}

/** The line of `bytes[offset]`, counting line breaks (LF, CRLF or a lone CR) from `from`. */
function lineAt(bytes: Uint8Array, offset: number, from: LinePosition): number {
  let { line, afterCR } = from;
  for (let index = 0; index < offset; index++) {
    const byte = bytes[index];
    if (byte === CR || (byte === LF && !afterCR)) line++;
    afterCR = byte === CR;
  }
  return line;
}

/**
 * Checks that the file is text: no NUL byte, and valid UTF-8. A streaming decoder takes each chunk whole (a
 * character may straddle two); when it refuses one, the chunk is decoded again line by line to name the line.
 */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** The bytes the decoder holds back: the start of a character the next chunk finishes. */
  private pending: Uint8Array = EMPTY;

  check(bytes: Uint8Array, at: LinePosition): void {
    const nul = bytes.indexOf(0);
    if (nul !== -1) {
      const line = lineAt(bytes, nul, at);
      throw new CsvFileError(
        'binary',
        `The file holds binary data (a NUL byte on line ${line}), not CSV text: ${SAVE_AS_CSV}.`,
        line,
      );
    }
    try {
      this.decoder.decode(bytes, { stream: true });
    } catch {
      throw notUtf8(this.lineOfInvalidText(bytes, at));
    }
    this.pending = unfinishedCharacter(concat([this.pending, bytes.subarray(-3)]));
  }

  /** The file ends: a character left unfinished is invalid, on the last line. */
  end(at: LinePosition): void {
    try {
      this.decoder.decode();
    } catch {
      throw notUtf8(at.line);
    }
  }

  private lineOfInvalidText(bytes: Uint8Array, at: LinePosition): number {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    decoder.decode(this.pending, { stream: true });
    let lineStart = 0;
    for (let index = 0; index < bytes.length; index++) {
      if (bytes[index] !== LF && bytes[index] !== CR) continue;
      try {
        decoder.decode(bytes.subarray(lineStart, index + 1), { stream: true });
      } catch {
        return lineAt(bytes, lineStart, at);
      }
      lineStart = index + 1;
    }
    // Every complete line decoded: the invalid bytes are on the chunk's last, unfinished line.
    return lineAt(bytes, lineStart, at);
  }
}

function notUtf8(line: number): CsvFileError {
  return new CsvFileError(
    'encoding',
    `Line ${line} is not UTF-8 text (the file may be in another encoding, such as Windows-1252): ${SAVE_AS_CSV}.`,
    line,
  );
}

/** The bytes ending `text` that start a character not finished yet (`text` is valid UTF-8 so far). */
function unfinishedCharacter(text: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= text.length; back++) {
    const byte = text[text.length - back] as number;
    if (byte >= 0x80 && byte < 0xc0) continue; // a continuation byte: its character starts further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? text.slice(text.length - back) : EMPTY;
  }
  return EMPTY;
}

/** A record as the framer hands it on: whole and well-formed, or a problem that makes it unreadable. */
type FramedRecord =
  | { kind: 'record'; line: number; endLine: number; bytes: Uint8Array }
  | { kind: 'problem'; line: number; reason: string; tooWide?: boolean; bytes?: Uint8Array };

/** A closing quote followed by `next` (a byte) on `line`, closing a quoted field opened on `quoteLine`. */
interface MalformedQuote {
  line: number;
  quoteLine: number;
  next: number;
}

// Where the framer is within a record.
/** At the start of a field: a quote here opens a quoted field. */
const FIELD_START = 0;
/** In an unquoted field: a quote is a plain character (as csv-parse's `relax_quotes` reads it). */
const UNQUOTED = 1;
/** In a quoted field: delimiters and line breaks are data. */
const QUOTED = 2;
/** Just after a quote in a quoted field: another quote makes it data (""); a delimiter or line break closes it. */
const AFTER_QUOTE = 3;

/**
 * Finds the records in a stream of bytes, following RFC 4180 quoting, and counts lines (LF, CRLF or a lone CR,
 * inside quoted fields too). A record ends at a line break outside quotes. Holds at most `maxRecordBytes` of the
 * record in progress (plus the chunk being scanned).
 *
 * A record is a problem when it is longer than `maxRecordBytes` or has more than `maxColumns` fields (its bytes
 * are dropped and the rest of it skipped, following quotes), or when a quoted field's closing quote is followed
 * by anything but a delimiter or a line break (the record runs on to its line break). A quote still open when the
 * file ends is most likely a stray one: its record is a problem, and the lines after the quote's line are read
 * again as records. When that record outgrew `maxRecordBytes`, its bytes are gone: the file is unreadable.
 */
class RecordFramer implements LinePosition {
  line = 1;
  afterCR = false;
  private out: FramedRecord[] = [];
  private state = FIELD_START;
  // The record in progress.
  private recordLine = 1;
  private fields = 1;
  /** Its bytes from earlier chunks (copies, so a chunk is not kept for a few bytes of it). */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** Why it is being skipped, once it is too long or too wide: its bytes are no longer kept. */
  private overflow: { reason: string; tooWide: boolean } | undefined;
  /** Its first malformed closing quote. */
  private malformed: MalformedQuote | undefined;
  /** Where its open quoted field started. */
  private quoteLine = 0;
  private quoteOffset = 0;

  constructor(
    private readonly delimiter: number,
    private readonly limits: CsvLimits,
  ) {}

  /** The records found so far. */
  take(): FramedRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  push(chunk: Uint8Array): void {
    const { delimiter } = this;
    // Where the record in progress starts in this chunk (0 when it started in an earlier one).
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index];
      if (byte === LF || byte === CR) {
        if (byte === LF && this.afterCR) {
          // The LF of a CRLF: the break was counted (and the record ended) at its CR.
          this.afterCR = false;
          if (this.state !== QUOTED) start = index + 1;
          continue;
        }
        this.afterCR = byte === CR;
        if (this.state !== QUOTED) {
          this.finish(chunk, start, index);
          start = index + 1;
        }
        this.line++;
        continue;
      }
      this.afterCR = false;
      switch (this.state) {
        case FIELD_START:
          if (byte === QUOTE) {
            this.state = QUOTED;
            this.quoteLine = this.line;
            this.quoteOffset = this.heldBytes + index - start;
          } else if (byte === delimiter) {
            this.nextField();
          } else {
            this.state = UNQUOTED;
          }
          break;
        case UNQUOTED:
          if (byte === delimiter) {
            this.state = FIELD_START;
            this.nextField();
          }
          break;
        case QUOTED:
          if (byte === QUOTE) this.state = AFTER_QUOTE;
          break;
        default: // AFTER_QUOTE
          if (byte === QUOTE) {
            this.state = QUOTED;
          } else if (byte === delimiter) {
            this.state = FIELD_START;
            this.nextField();
          } else {
            this.malformed ??= { line: this.line, quoteLine: this.quoteLine, next: byte as number };
            this.state = UNQUOTED;
          }
      }
    }
    this.hold(chunk.subarray(start));
  }

  /** The file ends: the last record needs no line break. */
  end(): void {
    if (this.state === QUOTED) {
      this.reopenAfterStrayQuote();
      return;
    }
    if (this.overflow || this.heldBytes > 0) this.finish(EMPTY, 0, 0);
  }

  private nextField(): void {
    this.fields++;
    if (this.fields > this.limits.maxColumns && !this.overflow) {
      this.skip(`This row has more than ${this.limits.maxColumns} fields, the most a row may have.`, true);
    }
  }

  private hold(bytes: Uint8Array): void {
    if (this.overflow || bytes.length === 0) return;
    this.held.push(bytes.slice());
    this.heldBytes += bytes.length;
    if (this.heldBytes > this.limits.maxRecordBytes) this.skip(tooLong(this.limits), false);
  }

  private skip(reason: string, tooWide: boolean): void {
    this.overflow = { reason, tooWide };
    this.held = [];
    this.heldBytes = 0;
  }

  /** The record in progress ends with `chunk[start, end)` (its line break excluded). */
  private finish(chunk: Uint8Array, start: number, end: number): void {
    const line = this.recordLine;
    const length = this.heldBytes + end - start;
    if (this.overflow) {
      this.out.push({ kind: 'problem', line, ...this.overflow });
    } else if (length > this.limits.maxRecordBytes) {
      this.out.push({ kind: 'problem', line, reason: tooLong(this.limits) });
    } else if (length > 0) {
      const bytes = concat([...this.held, chunk.subarray(start, end)]);
      if (this.malformed) {
        this.out.push({ kind: 'problem', line, reason: this.malformedReason(this.malformed), bytes });
      } else {
        this.out.push({ kind: 'record', line, endLine: this.line, bytes });
      }
    }
    this.startRecord(this.line + 1);
  }

  private startRecord(line: number): void {
    this.state = FIELD_START;
    this.recordLine = line;
    this.fields = 1;
    this.held = [];
    this.heldBytes = 0;
    this.overflow = undefined;
    this.malformed = undefined;
  }

  private malformedReason({ line, quoteLine, next }: MalformedQuote): string {
    const character =
      next === 0x20
        ? 'a space'
        : next > 0x20 && next < 0x7f
          ? `'${String.fromCharCode(next)}'`
          : 'another character';
    const field = quoteLine === line ? `on line ${line}` : `from line ${quoteLine} to line ${line}`;
    const row =
      this.recordLine === quoteLine && this.line === line
        ? ''
        : ` The row runs from line ${this.recordLine} to line ${this.line}.`;
    return `The quoted field ${field} ends with a quote followed by ${character}, not by a delimiter or the end of the line: a quote inside a quoted field must be doubled ("").${row}`;
  }

  private reopenAfterStrayQuote(): void {
    const { quoteLine, recordLine } = this;
    if (this.overflow) {
      throw new CsvFileError(
        'unreadable',
        `A quote opened on line ${quoteLine} is never closed, and the row it is in (from line ${recordLine}) is longer than ${formatBytes(this.limits.maxRecordBytes)}: the rest of the file cannot be read. Check the quotes on line ${quoteLine}.`,
        recordLine,
      );
    }
    const bytes = concat(this.held);
    this.out.push({
      kind: 'problem',
      line: recordLine,
      reason: `A quote opened on line ${quoteLine} is never closed.`,
      bytes,
    });
    const rest = lineAfter(bytes, this.quoteOffset);
    this.line = quoteLine + 1;
    this.afterCR = false;
    this.startRecord(this.line);
    this.push(bytes.subarray(rest));
    this.end();
  }
}

/** Where the line after the one holding `bytes[offset]` starts (the end of `bytes` when there is none). */
function lineAfter(bytes: Uint8Array, offset: number): number {
  for (let index = offset; index < bytes.length; index++) {
    if (bytes[index] === LF) return index + 1;
    if (bytes[index] === CR) return bytes[index + 1] === LF ? index + 2 : index + 1;
  }
  return bytes.length;
}

function tooLong(limits: CsvLimits): string {
  return `This row is longer than ${formatBytes(limits.maxRecordBytes)}, the most a row may hold.`;
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

const CANDIDATES: CsvDelimiter[] = [',', ';', '\t', '|'];
const NAMES: Record<CsvDelimiter, string> = { ',': ',', ';': ';', '\t': 'tab', '|': '|' };

function countOutsideQuotes(bytes: Uint8Array, delimiter: CsvDelimiter): number {
  const code = delimiter.charCodeAt(0);
  let count = 0;
  let quoted = false;
  for (const byte of bytes) {
    if (byte === QUOTE) quoted = !quoted;
    else if (!quoted && byte === code) count++;
  }
  return count;
}

/** Turns framed records into events: the header first, then rows. */
class RowReader {
  private header: string[] | undefined;
  private rows = 0;

  constructor(
    private readonly delimiter: CsvDelimiter,
    private readonly limits: CsvLimits,
  ) {}

  *read(records: FramedRecord[]): Generator<CsvEvent> {
    let index = 0;
    while (index < records.length) {
      const record = records[index] as FramedRecord;
      if (!this.header) {
        const header = this.readHeader(record);
        if (header) yield header;
        index++;
      } else if (record.kind === 'problem') {
        this.count(record.line);
        yield { kind: 'row-error', line: record.line, reason: record.reason };
        index++;
      } else {
        const batch = wellFormedBatch(records, index);
        const parsed = this.parse(batch);
        for (const [position, values] of parsed.entries()) {
          const { line, endLine } = batch[position] as FramedRecord & { kind: 'record' };
          if (isBlank(values)) continue;
          this.count(line);
          yield this.row(values, line, endLine);
        }
        index += batch.length;
      }
    }
  }

  /** The file ends. */
  end(): void {
    if (!this.header) {
      throw new CsvFileError(
        'empty',
        'The file is empty: it needs a header line naming the columns, then one line per row.',
      );
    }
    if (this.rows === 0) {
      throw new CsvFileError('no-rows', 'The file has a header but no rows: add one line per row under it.');
    }
  }

  private readHeader(record: FramedRecord): CsvEvent | undefined {
    const { line } = record;
    if (record.kind === 'problem') {
      if (record.bytes) this.checkDelimiter(record.bytes, line);
      if (record.tooWide) {
        throw new CsvFileError(
          'columns',
          `The header on line ${line} has more than ${this.limits.maxColumns} columns, the most an import file may have.`,
          line,
        );
      }
      throw new CsvFileError(
        'unreadable',
        `The header on line ${line} cannot be read. ${record.reason}`,
        line,
      );
    }
    const [values = []] = this.parse([record]);
    if (isBlank(values)) return undefined;
    this.checkDelimiter(record.bytes, line);
    const columns = values.map((name) => name.trim());
    const seen = new Map<string, number>();
    for (const [position, name] of columns.entries()) {
      if (name === '') continue;
      const key = name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new CsvFileError(
          'duplicate-column',
          `The header names the column "${name}" twice (columns ${first + 1} and ${position + 1}; names are compared ignoring case and surrounding spaces): rename or remove one.`,
          line,
        );
      }
      seen.set(key, position);
    }
    this.header = columns;
    return { kind: 'header', columns };
  }

  /**
   * Refuses a header that does not split on the declared delimiter but does on another one (counted outside
   * quotes): a file saved with semicolons where commas were declared, say.
   */
  private checkDelimiter(bytes: Uint8Array, line: number): void {
    const counts = CANDIDATES.map((candidate) => [candidate, countOutsideQuotes(bytes, candidate)] as const);
    if (counts.some(([candidate, count]) => candidate === this.delimiter && count > 0)) return;
    const [likely] = counts.filter(([, count]) => count > 0).sort(([, a], [, b]) => b - a);
    if (!likely) return;
    const [found] = likely;
    const declared = this.delimiter;
    const instead =
      declared === ',' ? 'save it as CSV with commas' : `save it with ${NAMES[declared]} between fields`;
    throw new CsvFileError(
      'delimiter',
      `The file looks ${NAMES[found]}-separated, not ${NAMES[declared]}-separated: say delimiter ${quoteDelimiter(found)} or ${instead}.`,
      line,
    );
  }

  private row(values: string[], line: number, endLine: number): CsvEvent {
    const expected = (this.header as string[]).length;
    if (values.length === expected) return { kind: 'row', line, values };
    const span =
      endLine === line ? '' : ` The row runs from line ${line} to line ${endLine}: check its quotes.`;
    return {
      kind: 'row-error',
      line,
      reason: `Expected ${expected} ${expected === 1 ? 'field' : 'fields'}, as the header has, found ${values.length}.${span}`,
    };
  }

  private count(line: number): void {
    this.rows++;
    if (this.rows > this.limits.maxRows) {
      throw new CsvFileError(
        'too-many-rows',
        `The file has more than ${this.limits.maxRows.toLocaleString('en')} rows (line ${line} is one too many): split it into files of at most that many rows.`,
        line,
      );
    }
  }

  /** csv-parse reads each framed record as exactly one record: there is no line break outside its quotes. */
  private parse(records: (FramedRecord & { kind: 'record' })[]): string[][] {
    const parts: Uint8Array[] = [];
    for (const { bytes } of records) parts.push(bytes, NEWLINE);
    return parseRecords(Buffer.concat(parts), {
      delimiter: this.delimiter,
      record_delimiter: '\n',
      // A quote inside an unquoted field (5" floppy) is a plain character; the framer refused any other stray quote.
      relax_quotes: true,
      // The reader compares each row with the header itself, to say what it expected.
      relax_column_count: true,
    });
  }
}

const NEWLINE = new Uint8Array([LF]);

/** The well-formed records from `start` on, up to a problem or about {@link BATCH_BYTES}. */
function wellFormedBatch(records: FramedRecord[], start: number): (FramedRecord & { kind: 'record' })[] {
  const batch: (FramedRecord & { kind: 'record' })[] = [];
  let bytes = 0;
  for (let index = start; index < records.length && bytes < BATCH_BYTES; index++) {
    const record = records[index] as FramedRecord;
    if (record.kind !== 'record') break;
    batch.push(record);
    bytes += record.bytes.length + 1;
  }
  return batch;
}

/** A blank line, only spaces, or only delimiters: nothing to import, skipped without a word. */
function isBlank(values: string[]): boolean {
  return values.every((value) => value.trim() === '');
}

function quoteDelimiter(delimiter: CsvDelimiter): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

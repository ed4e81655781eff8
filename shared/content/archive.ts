/**
 * Reading uploaded content packages (.zip) safely, with yauzl. Three operations, each bounded in memory
 * whatever the package's size:
 *
 * - {@link inspectArchive}: reads only the central directory and refuses anything unsafe or over the limits
 *   before a byte of content is inflated;
 * - {@link readArchiveText} and {@link openArchiveTexts}: read entries (the manifest, HTML pages to scan) one
 *   at a time, each with a hard byte cap;
 * - {@link storeArchiveFiles}: streams the files, several at a time, each straight from the zip to where it is
 *   stored (no extracted copy on disk), counting the bytes that really come out (declared sizes are
 *   attacker-controlled) and never letting a file's last bytes go before they pass every check.
 *
 * Every refusal is a {@link PackageRejectedError} with a stable code (see {@link ArchiveRejectionCode}) and a
 * message that names the entry.
 */
import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { PackageRejectedError } from './findings.ts';
import { type PackageLimits, ratioMinBytes } from './limits.ts';
import { checkEntryPath, collisionKey } from './paths.ts';
import { decodeText } from './text.ts';

/** The codes this module rejects a package with. */
export type ArchiveRejectionCode =
  | 'empty-upload'
  | 'not-a-zip'
  | 'truncated-zip'
  | 'corrupt-zip'
  | 'package-too-large'
  | 'empty-package'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'uncompressed-too-large'
  | 'zip-bomb'
  | 'unsafe-path'
  | 'path-too-long'
  | 'symlink'
  | 'special-file'
  | 'encrypted-entry'
  | 'unsupported-compression'
  | 'duplicate-entry'
  | 'entry-not-found'
  | 'manifest-too-large';

/** One file of the package, as the central directory declares it. */
export interface ArchiveFile {
  /** Package-relative, forward slashes, no leading `/`: `shared/launchpage.html`. */
  path: string;
  /** Declared uncompressed size in bytes. */
  size: number;
  /** Declared compressed size in bytes. */
  compressedSize: number;
}

/** What {@link inspectArchive} found: the files (directory entries left out) and totals. */
export interface ArchiveInventory {
  files: ArchiveFile[];
  /** Sum of the declared uncompressed sizes. */
  totalBytes: number;
  /** Size of the .zip file. */
  packageBytes: number;
}

/** One file on its way out of the archive, as {@link storeArchiveFiles} hands it to its store. */
export interface ArchiveFileBody {
  path: string;
  /** Declared uncompressed size: the body carries exactly this many bytes, or errors. */
  size: number;
  /**
   * The bytes as they inflate. The last chunk is held back until the file's real size and CRC-32 are
   * checked, so a store that completes only on `size` bytes (PutObject with ContentLength) never completes
   * a file that fails a check: the stream errors instead.
   */
  body: Readable;
}

/**
 * Stores one file, reading its whole body. It must stop (reject) when `signal` aborts: the body failed a
 * check, or another file failed.
 */
export type StoreArchiveFile = (file: ArchiveFileBody, signal: AbortSignal) => Promise<void>;

/** A file {@link storeArchiveFiles} stored. */
export interface StoredArchiveFile {
  path: string;
  /** Bytes that really inflated (equal to the declared size, or the file would have failed). */
  size: number;
}

function reject(code: ArchiveRejectionCode, message: string, file?: string): PackageRejectedError {
  return new PackageRejectedError(code, message, [
    { severity: 'error', code, message, ...(file === undefined ? {} : { file }) },
  ]);
}

/**
 * Reads the central directory of the zip at `zipPath` and checks every entry against `limits`, without
 * inflating anything. Throws {@link PackageRejectedError} on the first problem.
 *
 * @example
 * const { files } = await inspectArchive('/tmp/upload.zip', DEFAULT_PACKAGE_LIMITS);
 * const { kind, manifestPath } = detectPackageKind(files.map((f) => f.path));
 */
export async function inspectArchive(zipPath: string, limits: PackageLimits): Promise<ArchiveInventory> {
  const packageBytes = await checkUploadSize(zipPath, limits);
  const zip = await openZip(zipPath);
  try {
    const scan = new CentralDirectoryScan(limits, zip.entryCount);
    const files: ArchiveFile[] = [];
    const extents: { name: string; offset: number; end: number }[] = [];
    for await (const entry of entriesOf(zip)) {
      const described = scan.check(entry);
      if (described.isDirectory) continue;
      files.push({
        path: described.path,
        size: entry.uncompressedSize,
        compressedSize: entry.compressedSize,
      });
      // A local header is at least 30 bytes, followed by the entry's data.
      extents.push({
        name: described.path,
        offset: entry.relativeOffsetOfLocalHeader,
        end: entry.relativeOffsetOfLocalHeader + 30 + entry.compressedSize,
      });
    }
    if (files.length === 0) throw emptyPackage();
    scan.checkOverallRatio();
    checkNoOverlap(extents);
    return { files, totalBytes: scan.declaredBytes, packageBytes };
  } finally {
    zip.close();
  }
}

/**
 * Reads one entry (e.g. `imsmanifest.xml`) into a string, refusing (`manifest-too-large`) anything over
 * `maxBytes` whatever its declared size. Decodes UTF-8 (BOM stripped); UTF-16 with a BOM and the single-byte
 * encodings an XML declaration may name are honoured too (see {@link decodeText}).
 */
export async function readArchiveText(zipPath: string, path: string, maxBytes: number): Promise<string> {
  const reader = await openArchiveTexts(zipPath, [path]);
  try {
    return await reader.read(path, maxBytes);
  } finally {
    reader.close();
  }
}

/** Entries of one archive, read as text on demand; see {@link openArchiveTexts}. */
export interface ArchiveTextReader {
  /**
   * One entry as text (decoded like {@link readArchiveText}), refusing anything over `maxBytes` whatever its
   * declared size; `entry-not-found` for a path that was not asked for or is not in the archive.
   */
  read(path: string, maxBytes: number): Promise<string>;
  close(): void;
}

/**
 * Opens the archive once and finds the given entries (one pass over the central directory), to read them
 * later one at a time and in any order: the accessibility scan reads each page only when a worker is free
 * for it, so a package's pages are never all in memory. Close it when done.
 */
export async function openArchiveTexts(
  zipPath: string,
  paths: readonly string[],
): Promise<ArchiveTextReader> {
  const wanted = new Set(paths);
  const entries = new Map<string, Entry>();
  const zip = await openZip(zipPath);
  try {
    for await (const entry of entriesOf(zip)) {
      const path = entryName(entry);
      if (wanted.has(path)) entries.set(path, entry);
      if (entries.size === wanted.size) break;
    }
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    read: async (path, maxBytes) => {
      const entry = entries.get(path);
      if (!entry) throw reject('entry-not-found', `the package has no entry "${path}"`, path);
      return readEntryText(zip, entry, path, maxBytes);
    },
    close: () => zip.close(),
  };
}

/** Entries of one archive, streamed one at a time; see {@link openArchiveEntries}. */
export interface ArchiveEntryReader {
  /** The files, as {@link inspectArchive} found them (folders left out). */
  files: ArchiveFile[];
  /**
   * One file's bytes as they inflate, metered as storing meters them: past its declared size, the
   * per-file limit or the ratio, a `zip-bomb`; a CRC mismatch, `corrupt-zip`. A file may be read several
   * times (a planner's two passes); stopping early closes its stream.
   */
  stream(path: string): AsyncIterable<Uint8Array>;
  close(): void;
}

/**
 * Checks the archive as {@link inspectArchive} does (nothing inflated yet), then opens it to stream its files
 * one at a time, never held whole: a Canvas SIS zip's CSV files are read through the CSV reader as they
 * inflate. Each file's real bytes never pass its declared size, so the archive never inflates past the
 * declared total the inspection allowed, however often its files are read. Close it when done.
 */
export async function openArchiveEntries(
  zipPath: string,
  limits: PackageLimits,
): Promise<ArchiveEntryReader> {
  const { files } = await inspectArchive(zipPath, limits);
  const zip = await openZip(zipPath);
  const entries = new Map<string, Entry>();
  try {
    for await (const entry of entriesOf(zip)) {
      const name = entryName(entry);
      if (!name.endsWith('/')) entries.set(name, entry);
    }
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    files,
    stream: (path) => {
      const entry = entries.get(path);
      if (!entry) throw reject('entry-not-found', `the archive has no file "${path}"`, path);
      return inflated(zip, entry, path, limits);
    },
    close: () => zip.close(),
  };
}

async function* inflated(
  zip: ZipFile,
  entry: Entry,
  path: string,
  limits: PackageLimits,
): AsyncGenerator<Uint8Array> {
  checkReadable(entry, path);
  const source = await openReadStream(zip, entry, path, { decompress: false });
  const meter = new InflationMeter(entry, path, limits, { bytes: 0, compressed: 0 });
  const out = new PassThrough();
  const piped =
    entry.compressionMethod === DEFLATE
      ? pipeline(source, createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }), meter, out)
      : pipeline(source, meter, out);
  // A reader that stops early destroys the chain, which rejects `piped`: that is not a failure.
  piped.catch(() => undefined);
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) yield chunk;
    await piped;
  } catch (error) {
    throw toRejection(error, path);
  } finally {
    out.destroy();
    source.destroy();
  }
}

async function readEntryText(zip: ZipFile, entry: Entry, path: string, maxBytes: number): Promise<string> {
  checkReadable(entry, path);
  if (entry.uncompressedSize > maxBytes) {
    throw reject(
      'manifest-too-large',
      `"${path}" is ${entry.uncompressedSize} bytes; the limit is ${maxBytes}`,
      path,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = await openReadStream(zip, entry, path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        throw reject('manifest-too-large', `"${path}" is larger than ${maxBytes} bytes`, path);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    stream.destroy();
    throw toRejection(error, path);
  }
  return decodeText(Buffer.concat(chunks, size));
}

/**
 * Streams the package's files (those `include` accepts; all by default) to `store`, up to `concurrency` at a
 * time: each file goes from the zip through its checks to the store as it inflates, and the next file starts
 * as soon as one is done. Runs the entry checks of {@link inspectArchive} again (so it is safe on its own)
 * and counts the bytes that actually inflate: an entry larger than declared, than `maxEntryBytes`, a running
 * total over `maxTotalUncompressedBytes` or a real ratio over `maxCompressionRatio` aborts with `zip-bomb`; a
 * CRC mismatch or a short entry with `corrupt-zip`. A file that fails is never completed (its last chunk
 * is held back), but files stored before a failure stay: inspect first, and delete them on failure. On the
 * first failure (a check, or `store` itself, rethrown unchanged) the files in flight are aborted and waited
 * for, so nothing is still being stored when this rejects.
 *
 * @example
 * await storeArchiveFiles(zipPath, limits, (file, signal) => put(file.path, file.body, file.size, signal), {
 *   concurrency: 8,
 * });
 */
export async function storeArchiveFiles(
  zipPath: string,
  limits: PackageLimits,
  store: StoreArchiveFile,
  options: { concurrency: number; include?: (path: string) => boolean },
): Promise<StoredArchiveFile[]> {
  await checkUploadSize(zipPath, limits);
  const zip = await openZip(zipPath);
  const aborted = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    aborted.abort();
  };
  try {
    const scan = new CentralDirectoryScan(limits, zip.entryCount);
    // Shared by the files in flight: the package's limits count every file's bytes as they inflate.
    const tally = { bytes: 0, compressed: 0 };
    const stored: StoredArchiveFile[] = [];
    let files = 0;
    for await (const entry of entriesOf(zip)) {
      const described = scan.check(entry);
      if (described.isDirectory) continue;
      files += 1;
      if (options.include && !options.include(described.path)) continue;
      checkReadable(entry, described.path);
      while (inFlight.size >= Math.max(1, options.concurrency) && !failure) await Promise.race(inFlight);
      if (failure) break;
      const file: StoredArchiveFile = { path: described.path, size: 0 };
      stored.push(file);
      const work = storeEntry(zip, zipPath, entry, described.path, limits, tally, store, aborted.signal).then(
        (bytes) => {
          file.size = bytes;
        },
        fail,
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
    if (!failure && files === 0) throw emptyPackage();
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    return stored;
  } catch (error) {
    fail(error);
    await Promise.all(inFlight);
    throw failure?.error ?? error;
  } finally {
    zip.close();
  }
}

/**
 * One file from the zip to `store`, through the meter. A rejection of the bytes is the error (the store is
 * then aborted, and may fail of that or of the broken stream); otherwise whichever failed first.
 */
async function storeEntry(
  zip: ZipFile,
  zipPath: string,
  entry: Entry,
  path: string,
  limits: PackageLimits,
  tally: InflationTally,
  store: StoreArchiveFile,
  packageSignal: AbortSignal,
): Promise<number> {
  const aborted = new AbortController();
  const abort = () => aborted.abort();
  packageSignal.addEventListener('abort', abort, { once: true });
  let failure: { error: unknown } | undefined;
  let rejected: PackageRejectedError | undefined;
  try {
    const source = await openEntryData(zip, zipPath, entry, path);
    const meter = new InflationMeter(entry, path, limits, tally);
    // We inflate ourselves, in larger chunks than yauzl's 16 KiB (2.5x faster on media-heavy packages); the
    // meter counts every real byte and checks the CRC, so no safety check depends on yauzl's inflater.
    // pipeline: backpressure from the store reaches the inflater, so at most a few chunks are in memory.
    const checked = (
      entry.compressionMethod === DEFLATE
        ? pipeline(source, createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }), meter)
        : pipeline(source, meter)
    ).catch((error: unknown) => {
      const reason = toRejection(error, path);
      if (reason instanceof PackageRejectedError) rejected = reason;
      failure ??= { error: reason };
      aborted.abort();
    });
    // An empty file has no last chunk to hold back: it is checked to its end before it is stored.
    if (entry.uncompressedSize === 0) await checked;
    const body = entry.uncompressedSize === 0 ? Readable.from([]) : meter;
    const stored = failure
      ? undefined
      : store({ path, size: entry.uncompressedSize, body }, aborted.signal).catch((error: unknown) => {
          failure ??= { error };
          meter.destroy();
        });
    await Promise.all([checked, stored]);
    if (rejected) throw rejected;
    if (failure) throw failure.error;
    return meter.bytes;
  } finally {
    packageSignal.removeEventListener('abort', abort);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entry checks

/**
 * The checks every pass over the central directory makes (inspection, and storing again on its own):
 * entry count, each record (describeEntry), name collisions, and the running declared total.
 */
class CentralDirectoryScan {
  private readonly registry = new EntryRegistry();
  declaredBytes = 0;
  declaredCompressed = 0;

  constructor(
    private readonly limits: PackageLimits,
    entryCount: number,
  ) {
    // The end record states the count up front: refuse before reading a single record.
    if (entryCount > limits.maxEntries) {
      throw reject(
        'too-many-entries',
        `the package has ${entryCount} entries; the limit is ${limits.maxEntries}`,
      );
    }
  }

  check(entry: Entry): DescribedEntry {
    const described = describeEntry(entry, this.limits);
    this.registry.add(described);
    if (described.isDirectory) return described;
    this.declaredBytes += entry.uncompressedSize;
    this.declaredCompressed += entry.compressedSize;
    if (this.declaredBytes > this.limits.maxTotalUncompressedBytes) {
      throw reject(
        'uncompressed-too-large',
        `the package unpacks to more than ${this.limits.maxTotalUncompressedBytes} bytes (reached at "${described.path}")`,
        described.path,
      );
    }
    return described;
  }

  /** Whole-archive ratio, once every record is read. */
  checkOverallRatio(): void {
    const { declaredBytes, declaredCompressed, limits } = this;
    if (declaredBytes <= ratioMinBytes(limits)) return;
    const ratio = declaredCompressed === 0 ? Number.POSITIVE_INFINITY : declaredBytes / declaredCompressed;
    if (ratio > limits.maxCompressionRatio) {
      throw reject(
        'zip-bomb',
        `the package declares ${declaredBytes} bytes from ${declaredCompressed} compressed ` +
          `(ratio ${formatRatio(ratio)}:1, limit ${limits.maxCompressionRatio}:1)`,
      );
    }
  }
}

function emptyPackage(): PackageRejectedError {
  return reject('empty-package', 'the package contains no files (an empty zip, or folders only)');
}

interface DescribedEntry {
  path: string;
  isDirectory: boolean;
}

/** General purpose bit 0: traditional PKWARE encryption. Bit 6 (strong encryption) yauzl refuses itself. */
const ENCRYPTED_FLAG = 0x1;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** "Version made by" high byte 3: the external attributes' high 16 bits are a Unix st_mode. */
const MADE_BY_UNIX = 3;

function entryName(entry: Entry): string {
  // decodeStrings is off (see openZip), so we decode here: CP437 or UTF-8 by bit 11, or the Info-ZIP Unicode
  // path extra field; `strict` keeps backslashes so that checkEntryPath can refuse them by name.
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
}

function describeEntry(entry: Entry, limits: PackageLimits): DescribedEntry {
  const rawName = entryName(entry);
  const isDirectory = rawName.endsWith('/');
  const path = isDirectory ? rawName.slice(0, -1) : rawName;
  const problem = checkEntryPath(path, limits.maxPathBytes);
  if (problem) {
    throw reject(problem.code, `entry "${printable(rawName)}" ${problem.reason}`, printable(rawName));
  }
  const mode = entry.externalFileAttributes >>> 16;
  const fileType = mode & S_IFMT;
  // Checked whoever made the zip: a symlink entry is refused even when the creator claims to be DOS.
  if (fileType === S_IFLNK) {
    throw reject('symlink', `entry "${path}" is a symbolic link; packages may only contain files`, path);
  }
  if (
    entry.versionMadeBy >> 8 === MADE_BY_UNIX &&
    fileType !== 0 &&
    fileType !== S_IFREG &&
    fileType !== S_IFDIR
  ) {
    throw reject('special-file', `entry "${path}" is a device, FIFO or socket, not a file`, path);
  }
  if (isDirectory) return { path, isDirectory };
  checkReadable(entry, path);
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw reject(
      'entry-too-large',
      `entry "${path}" is ${entry.uncompressedSize} bytes; the limit per file is ${limits.maxEntryBytes}`,
      path,
    );
  }
  const minBytes = ratioMinBytes(limits);
  if (entry.uncompressedSize > minBytes) {
    const ratio =
      entry.compressedSize === 0 ? Number.POSITIVE_INFINITY : entry.uncompressedSize / entry.compressedSize;
    if (ratio > limits.maxCompressionRatio) {
      throw reject(
        'zip-bomb',
        `entry "${path}" declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed ` +
          `(ratio ${formatRatio(ratio)}:1, limit ${limits.maxCompressionRatio}:1)`,
        path,
      );
    }
  }
  return { path, isDirectory };
}

/** Encryption and compression method: what stops us from reading an entry's bytes at all. */
function checkReadable(entry: Entry, path: string): void {
  if ((entry.generalPurposeBitFlag & ENCRYPTED_FLAG) !== 0) {
    throw reject(
      'encrypted-entry',
      `entry "${path}" is password-protected; export the package again without encryption`,
      path,
    );
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw reject(
      'unsupported-compression',
      `entry "${path}" uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are ` +
        'supported: re-create the zip with a standard zip tool',
      path,
    );
  }
}

/**
 * Overlapping entries (several central-directory records pointing into the same data) are how "better zip
 * bombs" reach 10^6:1 with per-entry ratios that look harmless; no zip tool writes them.
 */
function checkNoOverlap(extents: { name: string; offset: number; end: number }[]): void {
  extents.sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < extents.length; i++) {
    const previous = extents[i - 1];
    const current = extents[i];
    if (previous && current && current.offset < previous.end) {
      throw reject(
        'zip-bomb',
        `entries "${previous.name}" and "${current.name}" share compressed data (overlapping entries)`,
        current.name,
      );
    }
  }
}

function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(0) : 'infinite';
}

/** Makes a refused name safe to print in a message (control characters shown as escapes). */
function printable(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being escaped
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Remembers every name seen so far and refuses duplicates, names that differ only by case or Unicode
 * normalisation (they would overwrite each other on Windows and macOS, and one silently wins on S3), and a
 * file whose name is also used as a folder (`a` and `a/b`).
 */
class EntryRegistry {
  private readonly files = new Map<string, string>();
  private readonly folders = new Map<string, string>();

  add(entry: DescribedEntry): void {
    const key = collisionKey(entry.path);
    const sameFile = this.files.get(key);
    const sameFolder = this.folders.get(key);
    if (entry.isDirectory) {
      if (sameFile !== undefined) this.conflict(entry.path, sameFile);
      this.notePrefixes(entry.path, key, true);
      return;
    }
    if (sameFile !== undefined) this.conflict(entry.path, sameFile);
    if (sameFolder !== undefined) this.conflict(entry.path, `${sameFolder}/`);
    this.files.set(key, entry.path);
    this.notePrefixes(entry.path, key, false);
  }

  private notePrefixes(path: string, key: string, includeSelf: boolean): void {
    const segments = path.split('/');
    const keySegments = key.split('/');
    const last = includeSelf ? segments.length : segments.length - 1;
    for (let i = 1; i <= last; i++) {
      const folderKey = keySegments.slice(0, i).join('/');
      const folder = segments.slice(0, i).join('/');
      const clashingFile = this.files.get(folderKey);
      if (clashingFile !== undefined && clashingFile !== path) this.conflict(`${folder}/`, clashingFile);
      const known = this.folders.get(folderKey);
      if (known === undefined) this.folders.set(folderKey, folder);
    }
  }

  private conflict(name: string, earlier: string): never {
    const how =
      name === earlier
        ? 'appears twice'
        : `collides with "${earlier}" (the names differ only by letter case or Unicode normalisation)`;
    const detail =
      name.endsWith('/') !== earlier.endsWith('/') ? `is both a file and a folder ("${earlier}")` : how;
    throw reject('duplicate-entry', `entry "${name}" ${detail}`, name);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Streaming

/** What the files read so far have inflated to, and their compressed sizes: the package's running totals. */
interface InflationTally {
  bytes: number;
  compressed: number;
}

/**
 * Counts the bytes that really inflate out of one entry and stops the stream as soon as they break a limit,
 * so a bomb is cut off after at most one chunk past the limit. Also checks the CRC-32 at the end: yauzl does
 * not, and a corrupted file would otherwise be published. The last chunk is held back until those end
 * checks pass, so a reader that needs every declared byte (an upload of that length) never gets them from
 * a file that fails. Adds to `tally`, shared by the files read at the same time, so the package's limits
 * count them all.
 */
class InflationMeter extends Transform {
  bytes = 0;
  private crc = 0;
  private held: Buffer | undefined;

  constructor(
    private readonly entry: Entry,
    private readonly path: string,
    private readonly limits: PackageLimits,
    private readonly tally: InflationTally,
  ) {
    super();
    tally.compressed += entry.compressedSize;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.tally.bytes += chunk.length;
    const problem = this.problem();
    if (problem) {
      callback(reject('zip-bomb', problem, this.path));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.entry.uncompressedSize) {
      callback(
        reject(
          'corrupt-zip',
          `entry "${this.path}" inflated to ${this.bytes} bytes but declares ${this.entry.uncompressedSize}`,
          this.path,
        ),
      );
      return;
    }
    if (this.crc >>> 0 !== this.entry.crc32 >>> 0) {
      callback(
        reject('corrupt-zip', `entry "${this.path}" fails its CRC-32 check (corrupted data)`, this.path),
      );
      return;
    }
    callback(null, this.held);
  }

  private problem(): string | undefined {
    const { bytes, entry, limits, path, tally } = this;
    if (bytes > entry.uncompressedSize) {
      return `entry "${path}" inflates past its declared size of ${entry.uncompressedSize} bytes`;
    }
    if (bytes > limits.maxEntryBytes) {
      return `entry "${path}" inflates past the per-file limit of ${limits.maxEntryBytes} bytes`;
    }
    if (tally.bytes > limits.maxTotalUncompressedBytes) {
      return `the package inflates past ${limits.maxTotalUncompressedBytes} bytes (at "${path}")`;
    }
    const minBytes = ratioMinBytes(limits);
    if (bytes > minBytes && bytes / Math.max(entry.compressedSize, 1) > limits.maxCompressionRatio) {
      return `entry "${path}" inflates more than ${limits.maxCompressionRatio}:1`;
    }
    if (tally.bytes > minBytes && tally.bytes / Math.max(tally.compressed, 1) > limits.maxCompressionRatio) {
      return `the package inflates more than ${limits.maxCompressionRatio}:1 (at "${path}")`;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// yauzl plumbing

async function checkUploadSize(zipPath: string, limits: PackageLimits): Promise<number> {
  const { size } = await stat(zipPath);
  if (size === 0) throw reject('empty-upload', 'the uploaded file is empty (0 bytes)');
  if (size > limits.maxPackageBytes) {
    throw reject(
      'package-too-large',
      `the package is ${size} bytes; the limit is ${limits.maxPackageBytes} bytes`,
    );
  }
  return size;
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolvePromise, rejectPromise) => {
    // lazyEntries: we pull one record at a time (bounded memory, and we can stop at the first problem).
    // decodeStrings off: yauzl would otherwise throw its own untyped errors for `../` or `C:` names; we decode
    // names ourselves (same decoder, see entryName) and refuse them with our codes. strictFileNames only
    // applies when yauzl decodes, so it is moot here: backslashes reach checkEntryPath untouched.
    // autoClose off: the file stays open between listing entries and streaming them; we close it.
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => {
        if (error) {
          void classifyOpenError(zipPath, error).then(rejectPromise, rejectPromise);
          return;
        }
        resolvePromise(zip);
      },
    );
  });
}

const DEFLATE = 8;
const INFLATE_CHUNK_BYTES = 256 * 1024;
/**
 * With 8 files in flight, each holds a few chunks: 64 KiB reads keep a 1 GB package's peak RSS where it was
 * (~210 MB); 256 KiB reads were ~5% faster on the throughput bench and held ~35 MB more, 1 MiB ~70 MB more.
 */
const READ_CHUNK_BYTES = 64 * 1024;

function openReadStream(
  zip: ZipFile,
  entry: Entry,
  path: string,
  options: { decompress?: boolean } = {},
): Promise<Readable> {
  return new Promise((resolvePromise, rejectPromise) => {
    const done = (error: Error | null, stream: Readable) =>
      error ? rejectPromise(toRejection(error, path)) : resolvePromise(stream);
    // yauzl accepts `decompress` only for compressed entries; stored ones are read as they are.
    if (options.decompress === false && entry.compressionMethod === DEFLATE) {
      zip.openReadStream(entry, { decompress: false }, done);
    } else {
      zip.openReadStream(entry, done);
    }
  });
}

/**
 * An entry's stored bytes (compressed or not), read by a stream of its own: yauzl's streams of one archive
 * take turns, one read at a time for all of them (storing the bench package took 10% longer through them).
 * yauzl checks the local header (its signature, and that the data ends within the file) and says where the
 * data starts.
 */
async function openEntryData(zip: ZipFile, zipPath: string, entry: Entry, path: string): Promise<Readable> {
  const { fileDataStart } = await zip
    .readLocalFileHeaderPromise(entry, { minimal: true })
    .catch((error: unknown) => {
      throw toRejection(error, path);
    });
  if (entry.compressedSize === 0) return Readable.from([]);
  return createReadStream(zipPath, {
    start: fileDataStart,
    end: fileDataStart + entry.compressedSize - 1,
    highWaterMark: READ_CHUNK_BYTES,
  });
}

/**
 * yauzl's entry iterator with its errors (a record cut short, a bad signature) mapped to our codes. Only
 * yauzl's own errors are mapped: whatever the loop body throws passes through untouched.
 */
async function* entriesOf(zip: ZipFile): AsyncGenerator<Entry> {
  const iterator = zip.eachEntry();
  try {
    while (true) {
      let next: IteratorResult<Entry>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw toRejection(error);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

const MAGIC: { bytes: number[]; format: string }[] = [
  { bytes: [0x52, 0x61, 0x72, 0x21], format: 'a RAR archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], format: 'a 7-Zip archive' },
  { bytes: [0x1f, 0x8b], format: 'a gzip/tar.gz file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], format: 'a PDF document' },
];

async function classifyOpenError(zipPath: string, error: Error): Promise<Error> {
  if (!/end of central directory record signature not found/i.test(error.message)) return toRejection(error);
  const head = Buffer.alloc(4);
  const handle = await openFile(zipPath, 'r');
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  // A zip starts with a local file header ("PK\3\4"): if it is there but the end record is not, the upload
  // was cut short (interrupted upload, partial download).
  if (head.readUInt32LE(0) === 0x04034b50) {
    return reject(
      'truncated-zip',
      'the zip is truncated: its end (the central directory) is missing; upload it again',
    );
  }
  const known = MAGIC.find((magic) => magic.bytes.every((byte, i) => head[i] === byte));
  return reject(
    'not-a-zip',
    known
      ? `the upload is ${known.format}, not a zip; export the course as a .zip package`
      : 'the upload is not a zip archive; export the course as a .zip package',
  );
}

/**
 * yauzl and zlib report problems as plain Errors: map them to our codes (naming the entry being read, when
 * there is one) and keep our own rejections as they are.
 */
function toRejection(error: unknown, entryPath?: string): Error {
  if (error instanceof PackageRejectedError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  // Filesystem errors (ENOSPC, EACCES, ...) are ours, not the package's: rethrow them unchanged.
  if ((error as NodeJS.ErrnoException).syscall !== undefined) return error;
  const message = error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const entry = entryPath === undefined ? 'an entry' : `entry "${entryPath}"`;
  if (/too many bytes in the stream/i.test(message)) {
    return reject('zip-bomb', `${entry} inflates past its declared size (${message})`, entryPath);
  }
  if (
    /not enough bytes in the stream/i.test(message) ||
    (typeof code === 'string' && code.startsWith('Z_'))
  ) {
    return reject('corrupt-zip', `the compressed data of ${entry} is corrupt (${message})`, entryPath);
  }
  if (/strong encryption/i.test(message)) {
    return reject(
      'encrypted-entry',
      'the package uses strong encryption; export it again without a password',
    );
  }
  if (/multi-disk/i.test(message)) {
    return reject('not-a-zip', 'split (multi-part) zip archives are not supported; upload a single .zip');
  }
  if (/compressed\/uncompressed size mismatch/i.test(message)) {
    return reject('corrupt-zip', `the zip's central directory is inconsistent (${message})`);
  }
  if (
    /unexpected EOF|overflows file bounds|signature|comment length|extra field|zip64|central directory/i.test(
      message,
    )
  ) {
    return reject('truncated-zip', `the zip is truncated or damaged (${message}); upload it again`);
  }
  return error;
}

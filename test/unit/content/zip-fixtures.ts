/**
 * Builds test packages in code: well-formed zips with yazl, and broken ones by patching the bytes yazl wrote
 * (yazl refuses to write unsafe names, which is exactly what the tests need to feed the reader).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { StoreArchiveFile } from '../../../shared/content/archive.ts';

export interface ZipEntrySpec {
  name: string;
  /** File content; omit with `directory: true`. */
  data?: string | Buffer;
  directory?: boolean;
  /** Unix mode including the file type bits, e.g. 0o120777 for a symlink. */
  mode?: number;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/** Zip bytes for the given entries, in order. */
export async function zipBytes(entries: readonly ZipEntrySpec[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    if (entry.directory) {
      zip.addEmptyDirectory(entry.name);
      continue;
    }
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : (entry.data ?? Buffer.alloc(0));
    zip.addBuffer(data, entry.name, {
      compress: entry.compress ?? true,
      ...(entry.mode === undefined ? {} : { mode: entry.mode }),
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A zip with one entry of `size` zero bytes, deflated by yazl from a stream (never held in memory): about
 * 1000:1, the shape of a classic zip bomb.
 */
export async function zerosZipBytes(
  name: string,
  size: number,
  before: readonly ZipEntrySpec[] = [],
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of before) zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name);
  const chunk = Buffer.alloc(64 * 1024);
  zip.addReadStreamLazy(name, { compressionLevel: 9 }, (callback) => {
    let remaining = size;
    callback(
      null,
      new Readable({
        read() {
          if (remaining <= 0) {
            this.push(null);
            return;
          }
          const next = Math.min(remaining, chunk.length);
          remaining -= next;
          this.push(chunk.subarray(0, next));
        },
      }),
    );
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const part of zip.outputStream) chunks.push(part as Buffer);
  return Buffer.concat(chunks);
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

/** Offsets of every local (30-byte) and central (46-byte) header, found by walking the real structure. */
export function headerOffsets(zip: Buffer): { local: number[]; central: number[] } {
  const local: number[] = [];
  const central: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    const signature = zip.readUInt32LE(i);
    if (signature === LOCAL_HEADER) local.push(i);
    else if (signature === CENTRAL_HEADER) central.push(i);
  }
  return { local, central };
}

/** Replaces every occurrence of a file name (local and central headers) with another of the same length. */
export function renameEntry(zip: Buffer, from: string, to: string | Buffer): Buffer {
  const source = Buffer.from(from);
  const target = typeof to === 'string' ? Buffer.from(to) : to;
  if (source.length !== target.length) throw new Error('renameEntry needs names of the same byte length');
  const out = Buffer.from(zip);
  let count = 0;
  for (let at = out.indexOf(source); at >= 0; at = out.indexOf(source, at + 1)) {
    target.copy(out, at);
    count += 1;
  }
  if (count < 2) throw new Error(`expected "${from}" in both headers, found it ${count} time(s)`);
  return out;
}

/** Sets general-purpose flag bits in every local and central header (e.g. bit 0: encrypted). */
export function setFlagBits(zip: Buffer, mask: number): Buffer {
  const out = Buffer.from(zip);
  const { local, central } = headerOffsets(out);
  for (const offset of local) out.writeUInt16LE(out.readUInt16LE(offset + 6) | mask, offset + 6);
  for (const offset of central) out.writeUInt16LE(out.readUInt16LE(offset + 8) | mask, offset + 8);
  return out;
}

/** Rewrites fields of the central directory record of entry `index` (what yauzl trusts). */
export function patchCentral(
  zip: Buffer,
  index: number,
  fields: {
    uncompressedSize?: number;
    crc32?: number;
    compressionMethod?: number;
    localHeaderOffset?: number;
  },
): Buffer {
  const out = Buffer.from(zip);
  const offset = headerOffsets(out).central[index];
  if (offset === undefined) throw new Error(`no central header ${index}`);
  if (fields.compressionMethod !== undefined) out.writeUInt16LE(fields.compressionMethod, offset + 10);
  if (fields.crc32 !== undefined) out.writeUInt32LE(fields.crc32 >>> 0, offset + 16);
  if (fields.uncompressedSize !== undefined) out.writeUInt32LE(fields.uncompressedSize, offset + 24);
  if (fields.localHeaderOffset !== undefined) out.writeUInt32LE(fields.localHeaderOffset, offset + 42);
  return out;
}

/** Sets the compression method in local headers too (yauzl reads it from the central record). */
export function patchLocalMethod(zip: Buffer, method: number): Buffer {
  const out = Buffer.from(zip);
  for (const offset of headerOffsets(out).local) out.writeUInt16LE(method, offset + 8);
  return out;
}

/** A temporary folder per test file; `cleanup()` in afterAll. */
export async function tempFolder(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes bytes to `folder/name` and returns the path. */
export async function writeZip(folder: string, name: string, bytes: Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, bytes);
  return path;
}

/**
 * A store for storeArchiveFiles that keeps files in memory the way S3 keeps objects: a file is completed as
 * soon as its declared size has arrived (ContentLength), and a body that errors or is aborted before then
 * leaves nothing. `beforeStoring` runs before a file is read (to fail or to hold one back); `log` records
 * each file's start and end ("start a.txt", "end a.txt") to show what ran at the same time.
 */
export function memoryStore(
  beforeStoring: (path: string, signal: AbortSignal) => void | Promise<void> = () => undefined,
): { files: Map<string, Buffer>; log: string[]; store: StoreArchiveFile } {
  const files = new Map<string, Buffer>();
  const log: string[] = [];
  const store: StoreArchiveFile = async (file, signal) => {
    log.push(`start ${file.path}`);
    try {
      await beforeStoring(file.path, signal);
      signal.throwIfAborted();
      const chunks: Buffer[] = [];
      let received = 0;
      for await (const chunk of addAbortSignal(signal, file.body) as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        received += chunk.length;
        if (received === file.size) files.set(file.path, Buffer.concat(chunks));
      }
      if (file.size === 0) files.set(file.path, Buffer.alloc(0));
    } finally {
      log.push(`end ${file.path}`);
    }
  };
  return { files, log, store };
}

/** Builds zip archives in tests (yazl), from a folder or from entries, with the manifest at the root. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';

export interface ZipEntry {
  name: string;
  data: string | Buffer;
  /** yazl options, e.g. `{ mode: 0o120777 }` for a symlink. */
  options?: Partial<yazl.Options>;
}

export function zipEntries(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    zip.addBuffer(
      Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data),
      entry.name,
      entry.options,
    );
  }
  zip.end();
  return collect(zip.outputStream);
}

/** Zips a folder so that its contents (the manifest) sit at the root of the archive. */
export function zipDirectory(folder: string): Promise<Buffer> {
  const files: ZipEntry[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push({ name: relative(folder, path).split('\\').join('/'), data: readFileSync(path) });
    }
  };
  walk(folder);
  return zipEntries(files);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inspectArchive,
  openArchiveEntries,
  readArchiveText,
  storeArchiveFiles,
} from '../../../shared/content/archive.ts';
import { PackageRejectedError } from '../../../shared/content/findings.ts';
import { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from '../../../shared/content/limits.ts';
import { contentPrefix } from '../../../shared/use-cases/package-import.ts';
import {
  memoryStore,
  patchCentral,
  patchLocalMethod,
  renameEntry,
  setFlagBits,
  tempFolder,
  writeZip,
  zerosZipBytes,
  zipBytes,
} from './zip-fixtures.ts';

let folder: { path: string; cleanup: () => Promise<void> };
let counter = 0;

beforeAll(async () => {
  folder = await tempFolder('archive-test');
});
afterAll(async () => {
  await folder.cleanup();
});

async function zipFile(bytes: Buffer): Promise<string> {
  counter += 1;
  return writeZip(folder.path, `package-${counter}.zip`, bytes);
}

/** Runs `action` and returns the PackageRejectedError it must throw. */
async function rejection(action: () => Promise<unknown>): Promise<PackageRejectedError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof PackageRejectedError) return error;
    throw error;
  }
  throw new Error('expected the package to be rejected');
}

const limits: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS };

describe('inspectArchive', () => {
  it('lists files with normalised paths and sizes, ignoring directory entries', async () => {
    // Prepare
    const path = await zipFile(
      await zipBytes([
        { name: 'imsmanifest.xml', data: '<manifest/>' },
        { name: 'shared/', directory: true },
        { name: 'shared/launchpage.html', data: '<html></html>' },
      ]),
    );

    // Act
    const inventory = await inspectArchive(path, limits);

    // Assess
    expect(inventory.files.map((file) => file.path)).toEqual(['imsmanifest.xml', 'shared/launchpage.html']);
    expect(inventory.files[1]?.size).toBe(13);
    expect(inventory.totalBytes).toBe(11 + 13);
  });

  it.each([
    ['0-byte upload', async () => Buffer.alloc(0), 'empty-upload'],
    ['a file that is not a zip', async () => Buffer.from('%PDF-1.7 not a zip at all'), 'not-a-zip'],
    ['an empty zip', async () => zipBytes([]), 'empty-package'],
    ['a zip of folders only', async () => zipBytes([{ name: 'a/', directory: true }]), 'empty-package'],
  ])('rejects %s', async (_label, bytes, code) => {
    const path = await zipFile(await bytes());
    expect((await rejection(() => inspectArchive(path, limits))).code).toBe(code);
  });

  it('rejects a truncated zip (cut in half) as truncated-zip', async () => {
    const whole = await zipBytes([
      { name: 'a.txt', data: 'x'.repeat(2000) },
      { name: 'b.txt', data: 'y'.repeat(2000) },
    ]);
    const path = await zipFile(whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await rejection(() => inspectArchive(path, limits));
    expect(error.code).toBe('truncated-zip');
    expect(error.message).toMatch(/truncated/);
  });

  it('rejects a zip cut by a few bytes at the end as truncated-zip', async () => {
    const whole = await zipBytes([{ name: 'a.txt', data: 'hello' }]);
    const path = await zipFile(whole.subarray(0, whole.length - 5));
    expect((await rejection(() => inspectArchive(path, limits))).code).toBe('truncated-zip');
  });

  it('rejects a zip over maxPackageBytes before reading it', async () => {
    const path = await zipFile(await zipBytes([{ name: 'a.txt', data: 'hello' }]));
    const error = await rejection(() => inspectArchive(path, { ...limits, maxPackageBytes: 10 }));
    expect(error.code).toBe('package-too-large');
  });

  it('rejects too many entries, a file over maxEntryBytes and a total over maxTotalUncompressedBytes', async () => {
    const path = await zipFile(
      await zipBytes([
        { name: 'a.txt', data: 'a'.repeat(20) },
        { name: 'b.txt', data: 'b'.repeat(20) },
        { name: 'c.txt', data: 'c'.repeat(20) },
      ]),
    );
    expect((await rejection(() => inspectArchive(path, { ...limits, maxEntries: 2 }))).code).toBe(
      'too-many-entries',
    );
    const tooBig = await rejection(() => inspectArchive(path, { ...limits, maxEntryBytes: 10 }));
    expect(tooBig.code).toBe('entry-too-large');
    expect(tooBig.message).toContain('"a.txt"');
    const total = await rejection(() => inspectArchive(path, { ...limits, maxTotalUncompressedBytes: 50 }));
    expect(total.code).toBe('uncompressed-too-large');
    expect(total.message).toContain('"c.txt"');
  });

  it('rejects a real zip bomb (50 MB of zeros in a few KB) from the central directory alone', async () => {
    // Prepare: ~1000:1 deflate; the limit is lowered so the test stays fast and small.
    const bytes = await zerosZipBytes('zeros.bin', 50 * 1024 * 1024);
    expect(bytes.length).toBeLessThan(200 * 1024);
    const path = await zipFile(bytes);

    // Act
    const error = await rejection(() => inspectArchive(path, { ...limits, maxCompressionRatio: 100 }));

    // Assess
    expect(error.code).toBe('zip-bomb');
    expect(error.message).toContain('"zeros.bin"');
    expect(error.findings[0]?.file).toBe('zeros.bin');
  });

  it('does not ratio-check small files that compress well', async () => {
    const path = await zipFile(await zipBytes([{ name: 'repeat.txt', data: 'a'.repeat(500_000) }]));
    await expect(inspectArchive(path, { ...limits, maxCompressionRatio: 10 })).resolves.toBeDefined();
  });

  it.each([
    ['xx/evil.txt', '../evil.txt', /".." segment/],
    ['Xabs.txt', '/abs.txt', /absolute path/],
    ['Cx/x.txt', 'C:/x.txt', /drive letter/],
    ['dir_file.txt', 'dir\\file.txt', /backslash/],
    ['a_b.txt', 'a\0b.txt', /NUL/],
    ['a__b.txt', 'a//b.txt', /empty path segment/],
  ])('rejects the unsafe name %j patched to %j', async (placeholder, unsafe, reason) => {
    // yazl refuses to write these names, so a safe name of the same length is patched in both headers.
    const bytes = renameEntry(await zipBytes([{ name: placeholder, data: 'payload' }]), placeholder, unsafe);
    const path = await zipFile(bytes);
    const error = await rejection(() => inspectArchive(path, limits));
    expect(error.code).toBe('unsafe-path');
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('entry "');
  });

  it('rejects a "." segment and an over-long path', async () => {
    const dot = renameEntry(await zipBytes([{ name: 'x/_/y.txt', data: 'p' }]), 'x/_/y.txt', 'x/./y.txt');
    expect((await rejection(async () => inspectArchive(await zipFile(dot), limits))).code).toBe(
      'unsafe-path',
    );
    const long = await zipFile(await zipBytes([{ name: `${'a'.repeat(40)}.txt`, data: 'p' }]));
    const error = await rejection(() => inspectArchive(long, { ...limits, maxPathBytes: 20 }));
    expect(error.code).toBe('path-too-long');
  });

  describe('path length counts UTF-8 bytes against S3 key limit, content prefix included', () => {
    // `courses/<36-character id>/v999999/` is 53 bytes, which leaves 971 of S3's 1024 for the path.
    const id = '0f8b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

    it('leaves 971 bytes to a package path', () => {
      expect(Buffer.byteLength(contentPrefix(id, 999_999))).toBe(53);
      expect(DEFAULT_PACKAGE_LIMITS.maxPathBytes).toBe(971);
    });

    it.each([
      // Four 240-byte folders of "é" (2 bytes each) and a name: 963 + 1 + 7 = 971 bytes in 491 characters
      ['971 bytes of two-byte characters', `${'é'.repeat(120)}/`.repeat(4) + 'a'.repeat(7), 971, null],
      [
        '972 bytes of two-byte characters',
        `${'é'.repeat(120)}/`.repeat(4) + 'a'.repeat(8),
        972,
        'path-too-long',
      ],
      // "€" is 3 bytes: 4 x (80 x 3 + 1) = 964, + 7 = 971 in 331 characters
      ['971 bytes of three-byte characters', `${'€'.repeat(80)}/`.repeat(4) + 'b'.repeat(7), 971, null],
      // "😀" is 4 bytes (2 UTF-16 units): 4 x (60 x 4 + 1) = 964, + 8 = 972
      [
        '972 bytes of four-byte characters',
        `${'😀'.repeat(60)}/`.repeat(4) + 'c'.repeat(8),
        972,
        'path-too-long',
      ],
    ])('%s', async (_what, name, bytes, code) => {
      expect(Buffer.byteLength(name)).toBe(bytes);
      const path = await zipFile(await zipBytes([{ name, data: 'p' }]));
      if (code === null) {
        await expect(inspectArchive(path, DEFAULT_PACKAGE_LIMITS)).resolves.toMatchObject({
          files: [{ path: name }],
        });
      } else {
        const error = await rejection(() => inspectArchive(path, DEFAULT_PACKAGE_LIMITS));
        expect(error.code).toBe(code);
        expect(error.message).toContain(`is ${bytes} bytes long in UTF-8 (limit 971)`);
      }
    });
  });

  it('rejects a symlink entry', async () => {
    const path = await zipFile(await zipBytes([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]));
    const error = await rejection(() => inspectArchive(path, limits));
    expect(error.code).toBe('symlink');
    expect(error.message).toContain('"link"');
  });

  it('rejects device, FIFO and socket entries', async () => {
    const path = await zipFile(await zipBytes([{ name: 'pipe', data: '', mode: 0o010644 }]));
    expect((await rejection(() => inspectArchive(path, limits))).code).toBe('special-file');
  });

  it('rejects entries that share compressed data (overlapping "better zip bomb")', async () => {
    // Prepare: the second record points at the first entry's local header.
    const bytes = await zipBytes([
      { name: 'one.txt', data: 'first file' },
      { name: 'two.txt', data: 'second file' },
    ]);
    const overlapping = patchCentral(bytes, 1, { localHeaderOffset: 0 });

    // Act
    const error = await rejection(async () => inspectArchive(await zipFile(overlapping), limits));

    // Assess
    expect(error.code).toBe('zip-bomb');
    expect(error.message).toMatch(/overlapping/);
  });

  it('rejects strong encryption (general purpose bit 6), which yauzl refuses on its own', async () => {
    const bytes = setFlagBits(await zipBytes([{ name: 'secret.html', data: '<p>secret</p>' }]), 0x41);
    expect((await rejection(async () => inspectArchive(await zipFile(bytes), limits))).code).toBe(
      'encrypted-entry',
    );
  });

  it('rejects an encrypted entry (general purpose bit 0)', async () => {
    const bytes = setFlagBits(await zipBytes([{ name: 'secret.html', data: '<p>secret</p>' }]), 0x1);
    const error = await rejection(async () => inspectArchive(await zipFile(bytes), limits));
    expect(error.code).toBe('encrypted-entry');
    expect(error.message).toContain('"secret.html"');
  });

  it('rejects an unsupported compression method', async () => {
    const bytes = patchLocalMethod(
      patchCentral(await zipBytes([{ name: 'a.txt', data: 'hello hello' }]), 0, { compressionMethod: 12 }),
      12,
    );
    const error = await rejection(async () => inspectArchive(await zipFile(bytes), limits));
    expect(error.code).toBe('unsupported-compression');
  });

  it.each([
    [['a.txt', 'a.txt'], /appears twice/],
    [['Readme.txt', 'README.txt'], /differ only by letter case/],
    [['a', 'a/b.txt'], /both a file and a folder/],
    [['a/b.txt', 'A'], /both a file and a folder/],
  ])('rejects colliding names %j', async (names, reason) => {
    const bytes = await zipBytes(names.map((name, i) => ({ name, data: `file ${i}` })));
    const error = await rejection(async () => inspectArchive(await zipFile(bytes), limits));
    expect(error.code).toBe('duplicate-entry');
    expect(error.message).toMatch(reason);
  });

  it('rejects names that collide only after Unicode normalisation', async () => {
    const composed = 'caf\u00e9.html';
    const decomposed = 'cafe\u0301.html';
    const bytes = await zipBytes([
      { name: composed, data: '1' },
      { name: decomposed, data: '2' },
    ]);
    expect((await rejection(async () => inspectArchive(await zipFile(bytes), limits))).code).toBe(
      'duplicate-entry',
    );
  });
});

describe('readArchiveText', () => {
  it('reads one entry as UTF-8 and strips the BOM', async () => {
    const path = await zipFile(
      await zipBytes([
        {
          name: 'imsmanifest.xml',
          data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<m>é</m>')]),
        },
        { name: 'index.html', data: '<html/>' },
      ]),
    );
    expect(await readArchiveText(path, 'imsmanifest.xml', 1024)).toBe('<m>é</m>');
  });

  it('refuses an entry over the byte cap, and a missing entry', async () => {
    const path = await zipFile(
      await zipBytes([{ name: 'imsmanifest.xml', data: `<m>${'x'.repeat(5000)}</m>` }]),
    );
    const tooLarge = await rejection(() => readArchiveText(path, 'imsmanifest.xml', 1000));
    expect(tooLarge.code).toBe('manifest-too-large');
    expect((await rejection(() => readArchiveText(path, 'cmi5.xml', 1000))).code).toBe('entry-not-found');
  });

  it('refuses an entry that inflates past its (small) declared size', async () => {
    const lying = patchCentral(await zipBytes([{ name: 'imsmanifest.xml', data: 'x'.repeat(5000) }]), 0, {
      uncompressedSize: 100,
    });
    const error = await rejection(async () => readArchiveText(await zipFile(lying), 'imsmanifest.xml', 1000));
    expect(['zip-bomb', 'manifest-too-large']).toContain(error.code);
  });
});

describe('storeArchiveFiles', () => {
  const eight = { concurrency: 8 };

  it('streams every file to the store, folders left out, and reports the bytes each one really had', async () => {
    // Prepare
    const path = await zipFile(
      await zipBytes([
        { name: 'imsmanifest.xml', data: '<manifest/>' },
        { name: 'shared/', directory: true },
        { name: 'shared/launchpage.html', data: '<html>hi</html>' },
        { name: 'media/big.bin', data: Buffer.alloc(300_000, 7), compress: false },
        { name: 'empty.txt', data: '' },
        { name: '__MACOSX/._launchpage.html', data: 'resource fork' },
      ]),
    );
    const { files, store } = memoryStore();

    // Act
    const stored = await storeArchiveFiles(path, limits, store, {
      ...eight,
      include: (name) => !name.startsWith('__MACOSX/'),
    });

    // Assess
    expect(stored).toEqual([
      { path: 'imsmanifest.xml', size: 11 },
      { path: 'shared/launchpage.html', size: 15 },
      { path: 'media/big.bin', size: 300_000 },
      { path: 'empty.txt', size: 0 },
    ]);
    expect([...files.keys()].sort()).toEqual([
      'empty.txt',
      'imsmanifest.xml',
      'media/big.bin',
      'shared/launchpage.html',
    ]);
    expect(files.get('shared/launchpage.html')?.toString()).toBe('<html>hi</html>');
    expect(files.get('media/big.bin')?.equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  it('keeps `concurrency` files in flight: a slow file does not hold up the ones after it', async () => {
    // Prepare: seven files, three at a time; a.txt is held until every other file is stored, b.txt until
    // c.txt starts (so that three are in flight then).
    const names = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt', 'g.txt'];
    const path = await zipFile(await zipBytes(names.map((name) => ({ name, data: `file ${name}` }))));
    const released = (): { promise: Promise<void>; release: () => void } => {
      let release = () => {};
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      return { promise, release };
    };
    const othersStored = released();
    const cStarted = released();
    let inFlight = 0;
    let most = 0;
    const { files, log, store } = memoryStore(async (name) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      if (name === 'a.txt') await othersStored.promise;
      if (name === 'b.txt') await cStarted.promise;
      if (name === 'c.txt') cStarted.release();
    });
    const counted: typeof store = async (file, signal) => {
      try {
        await store(file, signal);
      } finally {
        inFlight -= 1;
        if (files.size === names.length - 1) othersStored.release();
      }
    };

    // Act
    await storeArchiveFiles(path, limits, counted, { concurrency: 3 });

    // Assess: g.txt ended while a.txt was still in flight (batches of three would have waited for it).
    expect(most).toBe(3);
    expect(log.indexOf('end g.txt')).toBeLessThan(log.indexOf('end a.txt'));
    expect(files.size).toBe(7);
  });

  it('refuses a path-traversal entry before anything is stored', async () => {
    const bytes = renameEntry(
      await zipBytes([
        { name: 'ok.txt', data: 'fine' },
        { name: 'xx/evil.txt', data: 'evil' },
      ]),
      'xx/evil.txt',
      '../evil.txt',
    );
    const { files, log, store } = memoryStore();
    const error = await rejection(async () => storeArchiveFiles(await zipFile(bytes), limits, store, eight));
    expect(error.code).toBe('unsafe-path');
    // ok.txt may have started before the bad record was read: whatever started was finished or stopped.
    expect(log.filter((line) => line.startsWith('start')).length).toBe(
      log.filter((line) => line.startsWith('end')).length,
    );
    expect([...files.keys()].filter((name) => name !== 'ok.txt')).toEqual([]);
  });

  it('cuts off a zip bomb whose central directory lies about its size: it never completes', async () => {
    // Prepare: a normal file, then 20 MB of zeros declared as 1,000 bytes (so inspection passes).
    const honest = await zerosZipBytes('bomb.bin', 20 * 1024 * 1024, [
      { name: 'first.html', data: '<p>ok</p>' },
    ]);
    const path = await zipFile(patchCentral(honest, 1, { uncompressedSize: 1000 }));
    await expect(inspectArchive(path, limits)).resolves.toBeDefined();
    const { files, store } = memoryStore();

    // Act
    const error = await rejection(() => storeArchiveFiles(path, limits, store, eight));

    // Assess
    expect(error.code).toBe('zip-bomb');
    expect(error.message).toBe('entry "bomb.bin" inflates past its declared size of 1000 bytes');
    expect(files.has('bomb.bin')).toBe(false);
  });

  it('checks the totals again by itself: honest sizes over the limit, lying sizes cut off', async () => {
    // Prepare: 120,000 bytes in two files against a 100,000-byte limit.
    const bytes = await zipBytes([
      { name: 'a.bin', data: Buffer.alloc(60_000, 1) },
      { name: 'b/c.bin', data: Buffer.alloc(60_000, 2) },
    ]);
    const small = { ...limits, maxTotalUncompressedBytes: 100_000 };
    const honestStore = memoryStore();
    const lyingStore = memoryStore();

    // Act: honest declared sizes; then b/c.bin declaring 1,000 bytes, so that the declared total passes.
    const honest = await rejection(async () =>
      storeArchiveFiles(await zipFile(bytes), small, honestStore.store, eight),
    );
    const lying = await rejection(async () =>
      storeArchiveFiles(
        await zipFile(patchCentral(bytes, 1, { uncompressedSize: 1000 })),
        small,
        lyingStore.store,
        eight,
      ),
    );

    // Assess
    expect(honest.code).toBe('uncompressed-too-large');
    // The refusal comes with the second record, a.bin may have been stored: the caller inspects first.
    expect(honestStore.log.filter((line) => line.startsWith('start')).length).toBe(
      honestStore.log.filter((line) => line.startsWith('end')).length,
    );
    expect(lying.code).toBe('zip-bomb');
    expect(lying.message).toContain('"b/c.bin"');
    expect(lyingStore.files.has('b/c.bin')).toBe(false);
  });

  it('counts the files in flight together against the package total', async () => {
    // Prepare: two 60,000-byte files, the second declaring 30,000 so that the declared total (90,000) passes
    // a 100,000-byte limit; both stream at once, and their real bytes together pass it.
    const bytes = await zipBytes([
      { name: 'a.bin', data: Buffer.alloc(60_000, 1), compress: false },
      { name: 'b.bin', data: Buffer.alloc(60_000, 2) },
    ]);
    const small = { ...limits, maxTotalUncompressedBytes: 100_000 };
    const { files, store } = memoryStore();

    // Act
    const error = await rejection(async () =>
      storeArchiveFiles(
        await zipFile(patchCentral(bytes, 1, { uncompressedSize: 30_000 })),
        small,
        store,
        eight,
      ),
    );

    // Assess
    expect(error.code).toBe('zip-bomb');
    expect(files.has('b.bin')).toBe(false);
  });

  it('holds back the last bytes of a file that fails its CRC-32: the store never gets them', async () => {
    // Prepare: 3 MiB stored (several chunks), the CRC in the central directory wrong.
    const data = Buffer.alloc(3 * 1024 * 1024, 3);
    const corrupt = patchCentral(await zipBytes([{ name: 'video.mp4', data, compress: false }]), 0, {
      crc32: 0x12345678,
    });
    let received = 0;
    const { files, store } = memoryStore();
    const counting: typeof store = (file, signal) => {
      file.body.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      return store(file, signal);
    };

    // Act
    const error = await rejection(async () =>
      storeArchiveFiles(await zipFile(corrupt), limits, counting, eight),
    );

    // Assess
    expect(error.code).toBe('corrupt-zip');
    expect(error.message).toBe('entry "video.mp4" fails its CRC-32 check (corrupted data)');
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(3 * 1024 * 1024);
    expect(files.has('video.mp4')).toBe(false);
  });

  it('refuses a file that inflates to fewer bytes than it declares, and never completes it', async () => {
    // Prepare: page.html inflates to 4,807 bytes and declares 9,000.
    const bytes = await zipBytes([
      { name: 'ok.txt', data: 'fine' },
      { name: 'page.html', data: `<p>${'lorem ipsum '.repeat(400)}</p>` },
    ]);
    const { files, store } = memoryStore();

    // Act
    const error = await rejection(async () =>
      storeArchiveFiles(
        await zipFile(patchCentral(bytes, 1, { uncompressedSize: 9000 })),
        limits,
        store,
        eight,
      ),
    );

    // Assess
    expect(error.code).toBe('corrupt-zip');
    expect(error.message).toBe('entry "page.html" inflated to 4807 bytes but declares 9000');
    expect(files.has('page.html')).toBe(false);
  });

  it('refuses compressed data that does not inflate, naming the entry', async () => {
    // Prepare: garbage over the deflate stream of the second entry (after its 30-byte header and name).
    const bytes = await zipBytes([
      { name: 'ok.txt', data: 'fine' },
      { name: 'page.html', data: `<p>${'lorem ipsum '.repeat(400)}</p>` },
    ]);
    const offset = bytes.indexOf(Buffer.from('page.html')) + 'page.html'.length;
    bytes.fill(0xff, offset, offset + 40);
    const { files, store } = memoryStore();

    // Act
    const error = await rejection(async () => storeArchiveFiles(await zipFile(bytes), limits, store, eight));

    // Assess
    expect(error.code).toBe('corrupt-zip');
    expect(error.message).toContain('"page.html"');
    expect(files.has('page.html')).toBe(false);
  });

  it('rethrows a failing store unchanged, after stopping and waiting for the files in flight', async () => {
    // Prepare: b.txt fails once all four have started; the others wait to be stopped.
    const names = ['a.txt', 'b.txt', 'c.txt', 'd.txt'];
    const path = await zipFile(await zipBytes(names.map((name) => ({ name, data: `file ${name}` }))));
    let failNow = () => {};
    const allStarted = new Promise<void>((resolve) => {
      failNow = resolve;
    });
    const { files, log, store } = memoryStore(async (name, signal) => {
      if (log.filter((line) => line.startsWith('start')).length === names.length) failNow();
      if (name === 'b.txt') {
        await allStarted;
        throw new Error('upload failed');
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    });

    // Act
    await expect(storeArchiveFiles(path, limits, store, eight)).rejects.toThrow('upload failed');

    // Assess: every file that started had ended (stopped by the abort) before the rejection.
    expect(log.filter((line) => line.startsWith('end')).sort()).toEqual(names.map((name) => `end ${name}`));
    expect(files.size).toBe(0);
  });

  it('refuses an encrypted entry before storing anything', async () => {
    const bytes = setFlagBits(await zipBytes([{ name: 'a.txt', data: 'x' }]), 0x1);
    const { log, store } = memoryStore();
    const error = await rejection(async () => storeArchiveFiles(await zipFile(bytes), limits, store, eight));
    expect(error.code).toBe('encrypted-entry');
    expect(log).toEqual([]);
  });
});

describe('openArchiveEntries', () => {
  /** A file's bytes as text, read through the reader's stream. */
  async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }

  it('lists the files and streams each one, as often as asked, in any order', async () => {
    // Prepare
    const path = await zipFile(
      await zipBytes([
        { name: 'accounts.csv', data: 'account_id,name\nA1,"Arts, and ""more"""\n' },
        { name: 'sis/users.csv', data: `user_id\n${'u\n'.repeat(5000)}` },
      ]),
    );

    // Act
    const reader = await openArchiveEntries(path, limits);
    try {
      const users = await text(reader.stream('sis/users.csv'));
      const accounts = await text(reader.stream('accounts.csv'));
      const again = await text(reader.stream('accounts.csv'));

      // Assess
      expect(reader.files.map((file) => [file.path, file.size])).toEqual([
        ['accounts.csv', 40],
        ['sis/users.csv', 10008],
      ]);
      expect(accounts).toBe('account_id,name\nA1,"Arts, and ""more"""\n');
      expect(again).toBe(accounts);
      expect(users.length).toBe(10008);
    } finally {
      reader.close();
    }
  });

  it('refuses what inspection refuses before anything is read (a path leaving the archive)', async () => {
    // Prepare
    const bytes = renameEntry(
      await zipBytes([{ name: 'aaaaaaa.csv', data: 'a\n1\n' }]),
      'aaaaaaa.csv',
      '../../x.csv',
    );

    // Act
    const error = await rejection(async () => openArchiveEntries(await zipFile(bytes), limits));

    // Assess
    expect(error.code).toBe('unsafe-path');
  });

  it('cuts off a file that inflates past its declared size, naming it (zip-bomb)', async () => {
    // Prepare: the central directory declares 1000 bytes for a file of 20,000
    const honest = await zipBytes([
      { name: 'a.csv', data: 'a\n1\n' },
      { name: 'b.csv', data: 'b\n'.repeat(10_000) },
    ]);
    const path = await zipFile(patchCentral(honest, 1, { uncompressedSize: 1000 }));
    const reader = await openArchiveEntries(path, limits);

    // Act
    const error = await rejection(() => text(reader.stream('b.csv')));
    reader.close();

    // Assess
    expect(error.code).toBe('zip-bomb');
    expect(error.message).toBe('entry "b.csv" inflates past its declared size of 1000 bytes');
  });

  it('refuses a file that is not in the archive', async () => {
    // Prepare
    const reader = await openArchiveEntries(
      await zipFile(await zipBytes([{ name: 'a.csv', data: 'a\n' }])),
      limits,
    );

    // Act
    const error = await rejection(async () => reader.stream('b.csv'));
    reader.close();

    // Assess
    expect(error.code).toBe('entry-not-found');
  });
});

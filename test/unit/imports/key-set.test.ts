import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { KeySet } from '../../../shared/imports/key-set.ts';
import { plannedUserId } from '../../../shared/use-cases/imports/people.ts';

// Memory is measured after collections: V8 frees the outgrown tables' buffers on a background thread, when
// it gets to it, so the least of a few readings a moment apart is what the set holds.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
async function bufferBytes(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let reading = 0; reading < 10; reading++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
    least = Math.min(least, process.memoryUsage().arrayBuffers);
  }
  return least;
}

describe('KeySet', () => {
  it('answers the line a key was first seen on, and nothing for a key seen once', () => {
    // Prepare
    const seen = new KeySet(4);

    // Act
    const first = seen.add('ada@example.com', 2);
    const again = seen.add('ada@example.com', 9);
    seen.add('bo@example.com', 3);

    // Assess
    expect(first).toBeUndefined();
    expect(again).toBe(2);
    expect(seen.lineOf('bo@example.com')).toBe(3);
    expect(seen.has('cy@example.com')).toBe(false);
    expect(seen.size).toBe(2);
  });

  it('keeps every key through growth, in a fixed number of bytes per key', async () => {
    // Prepare
    const before = await bufferBytes();
    const seen = new KeySet(16);

    // Act: 200,000 keys, each once, then each again
    for (let i = 1; i <= 200_000; i++) seen.add(`person${i}@example.com`, i + 1);
    const duplicates = Array.from({ length: 200_000 }, (_, i) => seen.add(`person${i + 1}@example.com`, 0));

    const held = (await bufferBytes()) - before;

    // Assess: every duplicate names its first line; 256 shards grown by half from 8 slots, 274,239 slots in
    // all (73 % full) x 12 bytes = 3.1 MiB once the outgrown tables are collected (a shard's outgrown table
    // is a 256th of the set): nothing grows with the keys' lengths
    expect(seen.size).toBe(200_000);
    expect(duplicates.every((line, i) => line === i + 2)).toBe(true);
    expect(held).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(held).toBeLessThan(3.5 * 1024 * 1024);
  }, 30_000);
});

describe('plannedUserId', () => {
  it('is a UUID fixed by the import and the email, different for another of either', () => {
    const id = plannedUserId('0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d', 'ada@example.com');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(plannedUserId('0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d', 'ada@example.com')).toBe(id);
    expect(plannedUserId('0b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d', 'bo@example.com')).not.toBe(id);
    expect(plannedUserId('1b8c7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d', 'ada@example.com')).not.toBe(id);
  });
});

describe('a ranked KeySet', () => {
  it('keeps for each key the line of its highest rank, the earlier line on a tie, through growth', () => {
    // Prepare: three completions of one course by Ada (2023, 2024, 2022), two equal ones by Bo, and many keys
    const latest = new KeySet(16, { ranked: true });

    // Act
    latest.keepHighest('ada/fire', 2, Date.parse('2023-05-01'));
    latest.keepHighest('ada/fire', 3, Date.parse('2024-05-01'));
    latest.keepHighest('ada/fire', 4, Date.parse('2022-05-01'));
    latest.keepHighest('bo/fire', 5, Date.parse('2024-01-01'));
    latest.keepHighest('bo/fire', 6, Date.parse('2024-01-01'));
    for (let i = 0; i < 1_000; i++) latest.keepHighest(`person${i}/fire`, 10 + i, i);

    // Assess
    expect(latest.lineOf('ada/fire')).toBe(3);
    expect(latest.lineOf('bo/fire')).toBe(5);
    expect(latest.lineOf('person999/fire')).toBe(1_009);
    expect(latest.size).toBe(1_002);
    expect(() => new KeySet().keepHighest('ada/fire', 2, 1)).toThrow(/ranked/);
  });
});

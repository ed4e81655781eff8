/**
 * A set of keys (emails, external ids) seen in an import file, with the line each was first seen on, in a
 * fixed number of bytes per key whatever the keys' lengths: 64 bits of a SHA-256 of the key and the line, in
 * typed arrays with open addressing. A million keys take about 16 MB, where a `Set<string>` of a million
 * emails takes several times that, so planning a million rows keeps the memory of a hundred thousand.
 *
 * Two different keys that share 64 bits of their hash would look the same: with a million keys the chance
 * is about 3 in 100 million per file, and the consequence is a row reported as a duplicate it is not.
 *
 * @example
 * const seen = new KeySet();
 * seen.add('ada@example.com', 2); // undefined: first time
 * seen.add('ada@example.com', 9); // 2: the line it was first seen on
 */
import { createHash } from 'node:crypto';

const EMPTY = 0;

export class KeySet {
  private high: Uint32Array;
  private low: Uint32Array;
  private lines: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key seen on `line`; answers the line it was first seen on when it was there already. */
  add(key: string, line: number): number | undefined {
    if ((this.count + 1) * 4 > this.high.length * 3) this.grow();
    const [high, low] = hash(key);
    const slot = this.find(high, low);
    if (this.lines[slot] !== EMPTY) return this.lines[slot];
    this.high[slot] = high;
    this.low[slot] = low;
    // Lines are 1-based, so 0 can mark an empty slot.
    this.lines[slot] = Math.max(1, line);
    this.count++;
    return undefined;
  }

  /** The line the key was first seen on, or undefined when it was not. */
  lineOf(key: string): number | undefined {
    const [high, low] = hash(key);
    const slot = this.find(high, low);
    const line = this.lines[slot];
    return line === EMPTY ? undefined : line;
  }

  has(key: string): boolean {
    return this.lineOf(key) !== undefined;
  }

  /** The slot holding this hash, or the empty slot where it would go (linear probing). */
  private find(high: number, low: number): number {
    const mask = this.high.length - 1;
    let slot = low & mask;
    while (this.lines[slot] !== EMPTY && !(this.high[slot] === high && this.low[slot] === low))
      slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { high, low, lines } = this;
    const capacity = high.length * 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let index = 0; index < high.length; index++) {
      const line = lines[index] ?? EMPTY;
      if (line === EMPTY) continue;
      const h = high[index] ?? 0;
      const l = low[index] ?? 0;
      let slot = l & mask;
      while (this.lines[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.high[slot] = h;
      this.low[slot] = l;
      this.lines[slot] = line;
    }
  }
}

function hash(key: string): [number, number] {
  const digest = createHash('sha256').update(key).digest();
  return [digest.readUInt32BE(0), digest.readUInt32BE(4)];
}

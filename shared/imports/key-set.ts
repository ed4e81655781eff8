/**
 * A set of keys (emails, external ids) seen in an import file, with the line each was first seen on, in a
 * fixed number of bytes per key whatever the keys' lengths: 64 bits of a SHA-256 of the key and the line, in
 * typed arrays with open addressing. A million keys take about 16 MB, where a `Set<string>` of a million
 * emails takes several times that, so planning a million rows keeps the memory of a hundred thousand.
 *
 * Two different keys that share 64 bits of their hash would look the same: with a million keys the chance
 * is about 3 in 100 million per file, and the consequence is a row reported as a duplicate it is not.
 *
 * A ranked set (`{ ranked: true }`, 8 more bytes a key) keeps instead, for each key, the line of its highest
 * rank: the latest of several completions of one course by one person.
 *
 * @example
 * const seen = new KeySet();
 * seen.add('ada@example.com', 2); // undefined: first time
 * seen.add('ada@example.com', 9); // 2: the line it was first seen on
 * const latest = new KeySet(1024, { ranked: true });
 * latest.keepHighest('ada/fire-safety', 2, Date.parse('2023-05-01'));
 * latest.keepHighest('ada/fire-safety', 7, Date.parse('2024-05-01'));
 * latest.lineOf('ada/fire-safety'); // 7
 */
import { createHash } from 'node:crypto';

const EMPTY = 0;

export class KeySet {
  private high: Uint32Array;
  private low: Uint32Array;
  private lines: Uint32Array;
  private ranks: Float64Array | undefined;
  private count = 0;

  constructor(initialCapacity = 1024, options: { ranked?: boolean } = {}) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.ranks = options.ranked ? new Float64Array(capacity) : undefined;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key seen on `line`; answers the line it was first seen on when it was there already. */
  add(key: string, line: number): number | undefined {
    const slot = this.slotFor(key);
    if (this.lines[slot] !== EMPTY) return this.lines[slot];
    // Lines are 1-based, so 0 can mark an empty slot.
    this.lines[slot] = Math.max(1, line);
    this.count++;
    return undefined;
  }

  /**
   * Ranked sets: keeps `line` for the key when its rank is higher than the one kept so far (on a tie, the
   * earlier line stays).
   */
  keepHighest(key: string, line: number, rank: number): void {
    const { ranks } = this;
    if (!ranks) throw new Error('keepHighest needs a KeySet made with { ranked: true }.');
    const slot = this.slotFor(key);
    if (this.lines[slot] !== EMPTY && rank <= (ranks[slot] ?? 0)) return;
    if (this.lines[slot] === EMPTY) this.count++;
    this.lines[slot] = Math.max(1, line);
    ranks[slot] = rank;
  }

  /** The line the key was first seen on (a ranked set: the line of its highest rank), or undefined. */
  lineOf(key: string): number | undefined {
    const [high, low] = hash(key);
    const slot = this.find(high, low);
    const line = this.lines[slot];
    return line === EMPTY ? undefined : line;
  }

  has(key: string): boolean {
    return this.lineOf(key) !== undefined;
  }

  /** The key's slot, its hash written there (growing first when the table is three quarters full). */
  private slotFor(key: string): number {
    if ((this.count + 1) * 4 > this.high.length * 3) this.grow();
    const [high, low] = hash(key);
    const slot = this.find(high, low);
    this.high[slot] = high;
    this.low[slot] = low;
    return slot;
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
    const { high, low, lines, ranks } = this;
    const capacity = high.length * 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.ranks = ranks ? new Float64Array(capacity) : undefined;
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
      if (this.ranks) this.ranks[slot] = ranks?.[index] ?? 0;
    }
  }
}

function hash(key: string): [number, number] {
  const digest = createHash('sha256').update(key).digest();
  return [digest.readUInt32BE(0), digest.readUInt32BE(4)];
}

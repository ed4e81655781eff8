/**
 * A set of keys (emails, external ids) seen in an import file, with the line each was first seen on, in a
 * fixed number of bytes per key whatever the keys' lengths: 64 bits of a SHA-256 of the key, and the line,
 * in typed arrays with open addressing. A million keys take about 20 MB, where a `Set<string>` of a million
 * emails takes several times that, so planning a million rows keeps the memory of a hundred thousand.
 *
 * The set is split into 256 shards (by another byte of the hash) that each grow by half when 80 % full, one
 * at a time: growing never holds two copies of the whole set, so memory rises smoothly with the keys instead
 * of doubling at a threshold.
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
import { hash } from 'node:crypto';

const SHARDS = 256;
/** Slots filled at most before a shard grows by half. */
const MAX_LOAD = 0.8;
/** Lines are 1-based, so 0 marks an empty slot. */
const EMPTY = 0;

/** One shard: hashes (high and low 32 bits), lines, and ranks when kept. */
class Shard {
  high: Uint32Array;
  low: Uint32Array;
  lines: Uint32Array;
  ranks: Float64Array | undefined;
  count = 0;

  constructor(capacity: number, ranked: boolean) {
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.ranks = ranked ? new Float64Array(capacity) : undefined;
  }

  /** The slot holding this hash, or the empty slot where it would go (linear probing). */
  find(high: number, low: number): number {
    const capacity = this.lines.length;
    let slot = low % capacity;
    while (this.lines[slot] !== EMPTY && !(this.high[slot] === high && this.low[slot] === low))
      slot = slot + 1 === capacity ? 0 : slot + 1;
    return slot;
  }

  /** Makes room for one more key: a third more slots (half again) when 80 % are taken. */
  reserve(): void {
    if (this.count + 1 <= this.lines.length * MAX_LOAD) return;
    const { high, low, lines, ranks } = this;
    const capacity = Math.ceil(lines.length * 1.5);
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.ranks = ranks ? new Float64Array(capacity) : undefined;
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] ?? EMPTY;
      if (line === EMPTY) continue;
      const slot = this.find(high[index] ?? 0, low[index] ?? 0);
      this.high[slot] = high[index] ?? 0;
      this.low[slot] = low[index] ?? 0;
      this.lines[slot] = line;
      if (this.ranks) this.ranks[slot] = ranks?.[index] ?? 0;
    }
  }
}

export class KeySet {
  private readonly shards: Shard[];
  private count = 0;

  constructor(initialCapacity = 1024, options: { ranked?: boolean } = {}) {
    const perShard = Math.max(8, Math.ceil(initialCapacity / SHARDS / MAX_LOAD));
    this.shards = Array.from({ length: SHARDS }, () => new Shard(perShard, options.ranked === true));
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key seen on `line`; answers the line it was first seen on when it was there already. */
  add(key: string, line: number): number | undefined {
    const { shard, slot } = this.slotFor(key);
    if (shard.lines[slot] !== EMPTY) return shard.lines[slot];
    shard.lines[slot] = Math.max(1, line);
    this.added(shard);
    return undefined;
  }

  /**
   * Ranked sets: keeps `line` for the key when its rank is higher than the one kept so far (on a tie, the
   * earlier line stays).
   */
  keepHighest(key: string, line: number, rank: number): void {
    const { shard, slot } = this.slotFor(key);
    const { ranks } = shard;
    if (!ranks) throw new Error('keepHighest needs a KeySet made with { ranked: true }.');
    if (shard.lines[slot] !== EMPTY && rank <= (ranks[slot] ?? 0)) return;
    if (shard.lines[slot] === EMPTY) this.added(shard);
    shard.lines[slot] = Math.max(1, line);
    ranks[slot] = rank;
  }

  /** The line the key was first seen on (a ranked set: the line of its highest rank), or undefined. */
  lineOf(key: string): number | undefined {
    const { shard, high, low } = this.locate(key);
    const line = shard.lines[shard.find(high, low)];
    return line === EMPTY ? undefined : line;
  }

  has(key: string): boolean {
    return this.lineOf(key) !== undefined;
  }

  private added(shard: Shard): void {
    shard.count++;
    this.count++;
  }

  /** The key's shard and hash. */
  private locate(key: string): { shard: Shard; high: number; low: number } {
    const digest = hash('sha256', key, 'buffer');
    return {
      shard: this.shards[digest[8] ?? 0] as Shard,
      high: digest.readUInt32BE(0),
      low: digest.readUInt32BE(4),
    };
  }

  /** The key's slot, its hash written there (the shard growing first when it is full). */
  private slotFor(key: string): { shard: Shard; slot: number } {
    const { shard, high, low } = this.locate(key);
    shard.reserve();
    const slot = shard.find(high, low);
    shard.high[slot] = high;
    shard.low[slot] = low;
    return { shard, slot };
  }
}

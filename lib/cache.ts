/**
 * A Map bounded to `capacity` entries (at least 2), dropping those least recently used by
 * generations: entries live in a young and an old half; a hit in the young half costs one lookup,
 * a hit in the old half moves the entry to the young one, and when the young half is full the old
 * one is dropped whole. An entry untouched for a full generation is gone. Chain nodes and compiled
 * templates are cached in these so that a server naming millions of distinct literal ids keeps a
 * fixed amount of memory.
 */
export class BoundedCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('a BoundedCache holds at least 2 entries');
    this.#half = Math.floor(capacity / 2);
  }

  /** The number of entries held, never more than `capacity`. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  /** The value under `key`, made by `make` on a miss. */
  get(key: K, make: (key: K) => V): V {
    const young = this.#young;
    const value = young.get(key);
    if (value !== undefined || young.has(key)) return value as V;
    const old = this.#old;
    let found: V;
    if (old.has(key)) {
      found = old.get(key) as V;
      old.delete(key);
    } else found = make(key);
    if (young.size >= this.#half) {
      this.#old = young;
      this.#young = new Map();
    }
    this.#young.set(key, found);
    return found;
  }
}

/**
 * A Map bounded to `capacity` entries, dropping the least recently used. Chain nodes and
 * compiled templates are cached in these so that a server naming millions of distinct
 * literal ids keeps a fixed amount of memory.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  /** The number of entries held, never more than `capacity`. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value under `key`, made by `make` on a miss. */
  get(key: K, make: (key: K) => V): V {
    const entries = this.#entries;
    let value = entries.get(key);
    if (value !== undefined || entries.has(key)) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      entries.delete(key);
    } else {
      value = make(key);
      if (entries.size >= this.capacity) entries.delete(entries.keys().next().value as K);
    }
    entries.set(key, value as V);
    return value as V;
  }
}

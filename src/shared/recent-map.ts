/**
 * A Map that keeps at most `max` entries and forgets the least recently used first: `get` counts as
 * a use, `peek` does not (a cache whose entries should age from when they were set). Caches of
 * compiled queries, checked plans, statements, verified tokens and hashes share it.
 */
export class RecentMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, now the most recently used. A Map iterates in insertion order: it is moved last. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** The value, its place unchanged. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets the value as the most recently used, forgetting the least recently used beyond `max`. */
  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** The value kept for `key`, else `compute()`'s, kept. */
  remember(key: K, compute: () => V): V {
    let value = this.get(key);
    if (value === undefined) this.set(key, (value = compute()));
    return value;
  }
}

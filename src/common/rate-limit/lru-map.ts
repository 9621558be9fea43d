/**
 * A map that holds at most `capacity` keys: setting a new key when full forgets the key used
 * longest ago. Every operation is O(1) (a Map iterates in insertion order, so re-inserting a key
 * makes it the newest and the first key is always the oldest); nothing ever scans the map.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, without counting it as a use. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Sets the value and makes the key the newest; forgets the oldest key when full. */
  set(key: K, value: V): this {
    if (!this.entries.delete(key) && this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Keys, oldest first. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}

/**
 * One memo for the pure functions of a string that a fleet render asks thousands of times with the
 * same few arguments: Go durations, Kubernetes version checks, content hashes, add-on name suffixes,
 * version-range checks, parameter paths.
 */

/** A memoized function, and what its memo holds now. */
export interface Memoized<V> {
  (key: string): V;
  /** The entries the memo holds and the total length of their keys, in UTF-16 code units. */
  held(): { readonly entries: number; readonly keyChars: number };
}

/** By default the keys a memo holds total at most this many UTF-16 code units (2 MB). */
export const DEFAULT_MEMO_KEY_CHARS = 1024 * 1024;

/**
 * `fn`, remembering its result per argument. Bounded twice, so that a long-running program that
 * renders ever new names or contents does not grow without end: the memo is emptied when it holds
 * `limit` entries, or when the next key would take its keys beyond `maxKeyChars` code units in all;
 * a key longer than an eighth of that is never stored (its result is computed each time). Only for
 * pure functions whose result the caller does not mutate (it is shared between calls).
 */
export function memoize<V>(fn: (key: string) => V, limit = 1000, maxKeyChars = DEFAULT_MEMO_KEY_CHARS): Memoized<V> {
  const memo = new BoundedCache<V>(limit, maxKeyChars);
  const memoized = ((key: string): V => {
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = fn(key);
      memo.set(key, value, key.length);
    }
    return value as V;
  }) as Memoized<V>;
  memoized.held = () => ({ entries: memo.size, keyChars: memo.chars });
  return memoized;
}

/**
 * A cache of results by string key, bounded by entries and by size: it is emptied when it holds
 * `limit` entries, or when the next entry would take it beyond `maxChars` UTF-16 code units in all
 * (each entry counts what {@link BoundedCache.set} is told: its key, plus its value when that is text).
 * An entry of more than an eighth of `maxChars` is not stored (its result is computed each time).
 * So a cache of texts that are unique per cluster (names, embedded documents) holds a bounded amount
 * whatever the fleet's size, while the texts every cluster repeats are found again right after.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  private held = 0;

  constructor(private readonly limit: number, private readonly maxChars: number) {}

  /** Entries held. */
  get size(): number {
    return this.map.size;
  }

  /** Code units held, as counted by {@link set}. */
  get chars(): number {
    return this.held;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores `value` (counted as `chars` code units), emptying the cache first if it is full. */
  set(key: string, value: V, chars: number): void {
    if (chars > this.maxChars / 8) return;
    if (this.map.size >= this.limit || this.held + chars > this.maxChars) {
      this.map.clear();
      this.held = 0;
    }
    this.map.set(key, value);
    this.held += chars;
  }
}

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
  const memo = new Map<string, V>();
  let keyChars = 0;
  const longest = Math.floor(maxKeyChars / 8);
  const memoized = ((key: string): V => {
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = fn(key);
      if (key.length > longest) return value;
      if (memo.size >= limit || keyChars + key.length > maxKeyChars) {
        memo.clear();
        keyChars = 0;
      }
      memo.set(key, value);
      keyChars += key.length;
    }
    return value as V;
  }) as Memoized<V>;
  memoized.held = () => ({ entries: memo.size, keyChars });
  return memoized;
}

/**
 * One memo for the pure functions of a string that a fleet render asks thousands of times with the
 * same few arguments: Go durations, Kubernetes version checks, content hashes, add-on name suffixes,
 * version-range checks, parameter paths.
 */

/**
 * `fn`, remembering its result per argument. Bounded: the memo is emptied when it holds `limit`
 * entries, so a long-running program that renders ever new names does not grow without end.
 * Only for pure functions whose result the caller does not mutate (it is shared between calls).
 */
export function memoize<V>(fn: (key: string) => V, limit = 1000): (key: string) => V {
  const memo = new Map<string, V>();
  return (key: string): V => {
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = fn(key);
      if (memo.size >= limit) memo.clear();
      memo.set(key, value);
    }
    return value as V;
  };
}

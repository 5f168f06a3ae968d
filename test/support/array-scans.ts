/**
 * Counts the elements `Array.prototype.includes` and `indexOf` scan while `fn` runs: a cost check
 * counted, not timed (a quadratic duplicate check scans about n²/2 elements).
 */
export function countArrayScans<T>(fn: () => T): { result: T; scanned: number } {
  const proto = Array.prototype as unknown as Record<'includes' | 'indexOf', (...a: unknown[]) => unknown>;
  const originals = { includes: proto.includes, indexOf: proto.indexOf };
  let scanned = 0;
  for (const name of ['includes', 'indexOf'] as const) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      scanned += this.length;
      return originals[name].apply(this, args);
    };
  }
  try {
    return { result: fn(), scanned };
  } finally {
    Object.assign(proto, originals);
  }
}

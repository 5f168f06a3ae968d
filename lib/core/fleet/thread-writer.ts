/**
 * What may cross between threads as JSON text: a cluster's objects go to a render thread to be written
 * (render-pool.ts), and are kept compact (cluster-output.ts), as JSON when the JSON round trip is exact
 * for them (plain maps, dense lists, strings, booleans, finite numbers other than -0); anything else is
 * sent as finished text.
 */

/** True when `JSON.parse(JSON.stringify(v))` gives back a value every writer treats exactly as `v`. */
export function isJsonExact(v: unknown, depth = 0): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth > 200) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v) || v[i] === undefined || !isJsonExact(v[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && !isJsonExact(x, depth + 1)) return false;
  }
  // symbol keys and non-enumerable properties are dropped by both
  return true;
}

/** Walking and mutating props by path, for the fuzz suites that change one value of a valid spec at a time. */

export type PropPath = (string | number)[];

/** Paths of every value inside the plain objects and arrays of `v` (class instances are values of their own). */
export function paths(v: unknown, prefix: PropPath = [], out: PropPath[] = []): PropPath[] {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...prefix, i]); paths(x, [...prefix, i], out); });
  else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k of Object.keys(v)) { out.push([...prefix, k]); paths((v as Record<string, unknown>)[k], [...prefix, k], out); }
  }
  return out;
}

/** The value at `p` inside `root`. */
export const get = (root: unknown, p: PropPath): unknown => p.reduce<any>((c, k) => c[k], root);

/** Sets the value at `p` as an own, enumerable data property (also where the key is `__proto__`). */
export function setAt(root: unknown, p: PropPath, value: unknown): void {
  const parent = get(root, p.slice(0, -1)) as object;
  Object.defineProperty(parent, p[p.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Strict props: one rule for every props object at every depth. A key the props type does not
 * declare is a ValidationError naming its path and the nearest known key (`"replica" is not a known
 * field of ControlPlaneGroupProps; did you mean "replicas"?`).
 *
 * The known keys come from one declaration per props type that the compiler ties to the TypeScript
 * interface:
 *
 * ```ts
 * const CLUSTER_PROPS = propKeys<ClusterProps>()('ClusterProps', { name: true, namespace: true, ... });
 * ```
 *
 * The declaration's type is `{ [K in keyof ClusterProps]-?: true }`: a prop added to the interface and
 * not to the declaration is a missing property, a key in the declaration that the interface lacks is an
 * excess property, and `tsc` fails either way. (Why not zod/valibot/TypeBox: see docs/conformance.md.)
 *
 * A key whose value is `undefined` is accepted whatever its name (`{ ...defaults, replicas: undefined }`
 * is how callers unset a prop); every other unknown key is an error, symbols aside (not props).
 * String values of known keys are checked too: no unpaired surrogate, no credential-shaped text
 * (credentials.ts), whatever the prop.
 */
import { Problems, show } from './errors';
import { stringProblem } from './emittable';

/** Exactly the keys of `T`, each `true`. */
export type PropKeyDeclaration<T> = { readonly [K in keyof T]-?: true };

/** The known keys of one props type, with the name errors use for it. */
export interface PropKeys<T> {
  /** e.g. `ClusterProps`. */
  readonly typeName: string;
  /** The declared keys, in declaration order. */
  readonly keys: readonly (keyof T & string)[];
  /** Membership test without prototype lookups (`constructor` is not a prop of anything). */
  has(key: string): boolean;
}

/**
 * `propKeys<ClusterProps>()('ClusterProps', { name: true, ... })`: the declaration of a props type's keys.
 * Curried so that `T` is given explicitly and the declaration is still checked for excess keys.
 */
export function propKeys<T>(): <D extends PropKeyDeclaration<T>>(
  typeName: string, declaration: D & Record<Exclude<keyof D, keyof T>, never>,
) => PropKeys<T> {
  return (typeName, declaration) => {
    const keys = Object.keys(declaration) as (keyof T & string)[];
    const set = new Set<string>(keys);
    return Object.freeze({ typeName, keys: Object.freeze(keys), has: (k: string) => set.has(k) });
  };
}

/**
 * Records an error for every own key of `value` that `known` does not declare (values `undefined`
 * excepted). `path` is the path of `value` itself (`''` for the top-level props). `hint` may give a
 * key its own message, or `null` when the caller reports that key itself. Returns true when every key
 * is known.
 */
export function checkPropKeys<T>(
  p: Problems, path: string, value: object, known: PropKeys<T>, hint?: (key: string) => string | null | undefined,
): boolean {
  let ok = true;
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (known.has(k)) {
      const problem = typeof v === 'string' ? stringProblem(v) : undefined;
      if (problem) p.error(path ? `${path}.${k}` : k, problem);
      continue;
    }
    if (v === undefined) continue;
    ok = false;
    // an empty key still names a place: `[""]`
    const at = k === '' ? `${path}[""]` : path ? `${path}.${k}` : k;
    const special = hint?.(k);
    if (special === null) continue;
    if (special !== undefined) {
      p.error(at, special);
      continue;
    }
    const near = nearestKey(k, known.keys);
    p.error(at, `${show(clip(k))} is not a known field of ${known.typeName}${near ? `; did you mean ${show(near)}?` : `; known fields are ${known.keys.join(', ')}`}`);
  }
  return ok;
}

function clip(k: string): string {
  return k.length > 80 ? `${k.slice(0, 80)}…` : k;
}

/**
 * The known key closest to `key` by edit distance (case-insensitive, adjacent transpositions count
 * one), if it is close enough to be a typo: at most 1 edit for keys of up to 4 characters, 2 up to 8, 3 beyond.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const k = key.toLowerCase();
  const limit = k.length <= 4 ? 1 : k.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const cand of known) {
    const d = editDistance(k, cand.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best;
}

/** Optimal string alignment distance, or `cap` once it is known to be at least `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= cap) return cap;
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[b.length], cap);
}

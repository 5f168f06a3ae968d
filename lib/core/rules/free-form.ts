/**
 * Free-form values: the fields the library passes through without a typed prop for every key
 * (`additionalFields`, `InfrastructureCluster.spec`, `CustomMachineTemplate.spec`). They stay
 * free-form, but only JSON can reach a manifest, and only keys Kubernetes and cdk8s can carry:
 *
 * - values: plain objects (`{}` or `Object.create(null)`), arrays, strings, booleans, finite numbers
 *   within ±2^53 (beyond that a number is already rounded: write it as a string), and `null` as a map
 *   value (dropped, as cdk8s drops it, so that both adapters emit the same object). BigInt, Symbol,
 *   functions, `null` and `undefined` list items, Date, Map, Set and other class instances, cycles and nesting deeper than
 *   {@link MAX_FREE_FORM_DEPTH} are errors naming the path;
 * - strings: no unpaired UTF-16 surrogate (Kubernetes stores UTF-8 and would replace it);
 * - keys: not `__proto__`, `constructor` or `prototype` (cdk8s cannot render `constructor`, and the
 *   others are JavaScript object machinery, not API fields), not the YAML merge key `<<`, not Pulumi's
 *   secret signature key;
 * - credentials: no secret-like key and no credential-shaped text (see credentials.ts).
 *
 * {@link checkFreeForm} returns a normalized deep copy: the caller's object is never referenced by
 * the output, so changing it afterwards changes nothing.
 */
import { credentialKeyProblem } from './credentials';
import { hasLoneSurrogate, reservedKeyProblem, stringProblem } from './emittable';
import { Problems, show } from './errors';
import { describeValue, isPlainRecord } from './validation';

/** Free-form values nest at most this deep. */
export const MAX_FREE_FORM_DEPTH = 64;

/**
 * Validates a free-form object and returns its normalized JSON copy (undefined when it was invalid);
 * every problem is recorded under `path`.
 */
export function checkFreeForm(p: Problems, path: string, value: unknown): Record<string, unknown> | undefined {
  if (!isPlainRecord(value)) {
    p.error(path, `must be a plain object, got ${describeValue(value)}`);
    return undefined;
  }
  const before = p.errors.length;
  const out = copyValue(p, path, value, 0, new Set());
  return p.errors.length > before ? undefined : (out as Record<string, unknown>);
}

function copyValue(p: Problems, at: string, v: unknown, depth: number, ancestors: Set<object>): unknown {
  switch (typeof v) {
    case 'string': {
      const problem = stringProblem(v);
      if (problem) p.error(at, problem);
      return v;
    }
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) p.error(at, `${String(v)} is not a finite number: JSON (and so Kubernetes) has no such value`);
      else if (Math.abs(v) > Number.MAX_SAFE_INTEGER) p.error(at, `${String(v)} is beyond ±2^53: JavaScript has already rounded it; write the exact value as a string`);
      return v;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      p.error(at, `${describeValue(v)} is not a JSON value: use a string, number, boolean, list or object`);
      return undefined;
  }
  if (v === null) return null;
  if (ancestors.has(v)) {
    p.error(at, 'is circular: the object contains itself, which JSON cannot represent');
    return undefined;
  }
  if (depth >= MAX_FREE_FORM_DEPTH) {
    p.error(at, `is nested deeper than ${MAX_FREE_FORM_DEPTH} levels`);
    return undefined;
  }
  if (Array.isArray(v)) {
    ancestors.add(v);
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (item === undefined || item === null) p.error(`${at}[${i}]`, `is ${String(item)}: a list item must be a value (cdk8s and Pulumi would send different lists)`);
      else out.push(copyValue(p, `${at}[${i}]`, item, depth + 1, ancestors));
    }
    ancestors.delete(v);
    return out;
  }
  if (!isPlainRecord(v)) {
    p.error(at, `${describeValue(v)} is not a JSON value: use a plain object${v instanceof Date ? ' (or the date as an RFC 3339 string, date.toISOString())' : ''}`);
    return undefined;
  }
  ancestors.add(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const kAt = `${at}.${k.length > 80 ? `${k.slice(0, 80)}…` : k}`;
    const keyProblem = reservedKeyProblem(k) ?? credentialKeyProblem(k);
    if (keyProblem) {
      p.error(kAt, keyProblem);
      continue;
    }
    if (hasLoneSurrogate(k)) {
      p.error(kAt, 'the key contains an unpaired UTF-16 surrogate, which Kubernetes cannot store');
      continue;
    }
    const c = copyValue(p, kAt, v[k], depth + 1, ancestors);
    // null and undefined map values are dropped, as cdk8s drops them: both adapters emit the same object
    if (c !== null && c !== undefined) out[k] = c;
  }
  ancestors.delete(v);
  return out;
}

/** A short description of a value that is not JSON, for error messages (the rule of validation.ts). */
export { describeValue };

/**
 * lib/core/output/: what an emitted object is and how it is written. Plain manifests (this file), the
 * Kubernetes-safe YAML writer (yaml.ts), every generated name (naming.ts) and the API groups, versions and
 * labels (api-versions.ts). It imports only rules/ and itself, never a concept folder.
 */
import type { Warning } from '../rules/errors';

/** Plain Kubernetes objects as the core emits them: JSON-compatible, no framework types. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The metadata of an emitted object: name, namespace, labels and annotations. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One Kubernetes object. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A JSON object (any non-null, non-array object): the shape of a manifest's maps. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a render function returns: the objects, in emit order, and the warnings. */
export interface Rendered {
  readonly manifests: Manifest[];
  readonly warnings: Warning[];
}

/**
 * Removes `undefined` values, empty objects and empty arrays, recursively.
 * Cluster API v1beta2 rejects empty objects and lists (`minProperties: 1`, `minItems: 1`),
 * so nothing the library emits may contain them. Empty strings are kept: `""` is a valid label value.
 */
export function compact<T>(value: T): T {
  return compactValue(value) as T;
}

function compactValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const c = compactValue(value[i]);
      if (c !== undefined) out.push(c);
    }
    return out.length === 0 ? undefined : out;
  }
  const map = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let empty = true;
  // own enumerable keys: the render functions build plain objects, which have no others
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const c = compactValue(map[keys[i]]);
    if (c !== undefined) {
      out[keys[i]] = c;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

/**
 * Sorts a list of object keys in place, in the order of `Array.prototype.sort()` (UTF-16 code units),
 * without the working copy `sort` allocates: objects have few keys, and sorting them is one of the
 * most frequent operations of a fleet render (content hashes, YAML output).
 */
export function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 24) return keys.sort();
  for (let i = 1; i < n; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * A stable JSON string (object keys sorted) used for content hashes: template names hash every
 * template of every cluster, and a changed string renames the template and rolls its machines, so the
 * output must never change. It is exactly the first formulation, `map`/`join` over sorted keys with
 * `JSON.stringify` for keys and leaves: undefined object values skipped, undefined array items written
 * as nothing, a value JSON cannot represent inside an object written as `undefined`. Built by
 * appending to one string (cheaper than joining a list of small pieces).
 */
export function stableStringify(value: unknown): string {
  return stable(value) as string;
}

/** The stable JSON of `value`, or undefined when JSON has no text for it. */
function stable(value: unknown): string | undefined {
  if (typeof value === 'string') return jsonSafe(value) ? `"${value}"` : JSON.stringify(value);
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ',';
      const item = stable(value[i]);
      if (item !== undefined) s += item;
    }
    return `${s}]`;
  }
  if (value !== null && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    const all = Object.keys(map);
    let keys = all;
    for (let i = 0; i < all.length; i++) {
      if (map[all[i]] === undefined) {
        keys = all.filter((k) => map[k] !== undefined);
        break;
      }
    }
    sortKeys(keys);
    let s = '{';
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) s += ',';
      const k = keys[i];
      s += jsonSafe(k) ? `"${k}":` : `${JSON.stringify(k)}:`;
      s += stable(map[k]) ?? 'undefined';
    }
    return `${s}}`;
  }
  return JSON.stringify(value);
}

/** True when `JSON.stringify(s)` is `"` + s + `"`: no quote, backslash, control character or surrogate. */
function jsonSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** Plain Kubernetes objects as the core emits them: JSON-compatible, no framework types. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

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

/** What a render function returns: the objects, in emit order, and the warnings. */
export interface Rendered {
  readonly manifests: Manifest[];
  readonly warnings: import('./errors').Warning[];
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
    for (const item of value) {
      const c = compactValue(item);
      if (c !== undefined) out.push(c);
    }
    return out.length === 0 ? undefined : out;
  }
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k in value as Record<string, unknown>) {
    const c = compactValue((value as Record<string, unknown>)[k]);
    if (c !== undefined) {
      out[k] = c;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

/**
 * A stable JSON string (object keys sorted) used for content hashes. Built in one pass with string
 * appends (template names hash every template of every cluster); the output is exactly the former
 * `map`/`join` formulation: undefined object values skipped, undefined array items written as nothing.
 */
export function stableStringify(value: unknown): string {
  return stable(value) as string;
}

function stable(value: unknown): string | undefined {
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
    const keys = Object.keys(map).filter((k) => map[k] !== undefined).sort();
    let s = '{';
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) s += ',';
      // String(): a value JSON cannot represent (a function) reads `undefined`, as the template literal did
      s += `${JSON.stringify(keys[i])}:${String(stable(map[keys[i]]))}`;
    }
    return `${s}}`;
  }
  return JSON.stringify(value);
}

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

/** A stable JSON string (object keys sorted) used for content hashes. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Field-level differences between two versions of one object: leaf changes for people (`diffFields`)
 * and the JSON merge-patch paths the KubeadmControlPlane webhook checks (`mergePatchPaths`).
 */
import { isPlainObject } from '../output/manifest';
import { FieldChange } from './types';

type Json = Record<string, unknown>;

export { isPlainObject };

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The value at `path` (object keys), or undefined. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats path segments (strings are keys, numbers are list indexes): `spec.template.spec.ports[0]["x.y/z"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let s = '';
  for (const seg of segments) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/**
 * The leaf changes from `a` to `b`: objects are compared key by key, lists of equal length item by
 * item; anything else that differs is one change (a list that grows or shrinks is one change).
 */
export function diffFields(a: unknown, b: unknown, prefix: readonly (string | number)[] = []): FieldChange[] {
  const out: FieldChange[] = [];
  walk(a, b, [...prefix], out);
  return out;
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(a[k], b[k], [...path, k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(x, b[i], [...path, i], out));
    return;
  }
  const change: { path: string; old?: unknown; new?: unknown } = { path: formatPath(path) };
  if (a !== undefined) change.old = a;
  if (b !== undefined) change.new = b;
  out.push(change);
}

/**
 * The paths of the RFC 7386 JSON merge patch from `a` to `b`, as the KubeadmControlPlane webhook
 * lists them (cluster-api `controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go` `paths`):
 * a removed key is one path (its patch value is null), a changed scalar or list is one path, and an
 * added object contributes the paths of its leaves (an added empty object contributes none).
 */
export function mergePatchPaths(a: unknown, b: unknown): string[][] {
  const out: string[][] = [];
  patchWalk(a, b, [], out);
  return out;
}

function patchWalk(a: unknown, b: unknown, path: string[], out: string[][]): void {
  const ao = isPlainObject(a) ? a : {};
  const bo = b as Json;
  for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
    const av = ao[k];
    const bv = bo[k];
    if (deepEqual(av, bv)) continue;
    if (bv === undefined) out.push([...path, k]);
    else if (isPlainObject(bv) && (isPlainObject(av) || av === undefined)) patchWalk(av, bv, [...path, k], out);
    else if (isPlainObject(bv)) leafPaths(bv, [...path, k], out);
    else out.push([...path, k]);
  }
}

/** A map replacing a non-map: the patch holds the whole map, and the webhook walks its leaves. */
function leafPaths(v: Json, path: string[], out: string[][]): void {
  for (const k of Object.keys(v).sort()) {
    if (isPlainObject(v[k])) leafPaths(v[k] as Json, [...path, k], out);
    else out.push([...path, k]);
  }
}

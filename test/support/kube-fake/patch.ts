/**
 * Patch semantics of the non-apply patch types:
 * - application/merge-patch+json: RFC 7386 (null deletes a key, objects merge, everything else replaces).
 * - application/json-patch+json: RFC 6902 (add, remove, replace, move, copy, test); a malformed patch
 *   document answers 400, an operation that cannot be applied (missing path, failed `test`) answers 422,
 *   as kube-apiserver does.
 * - application/strategic-merge-patch+json: GAP, applied as a JSON merge patch. Real strategic merge
 *   merges lists by their patchMergeKey (containers by name, conditions by type, ...) and honours
 *   `$patch`, `$retainKeys`, `$deleteFromPrimitiveList` directives; here a list in the patch replaces the
 *   whole list and directives are rejected (400) rather than silently misapplied. kube-apiserver refuses
 *   strategic merge for custom resources (415); so does the fake (see router).
 */
import { errors } from './status';

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386 JSON merge patch. Returns a new value; `target` is not changed. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Strategic merge patch, modelled as a merge patch (see the file header for the gap). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  const directive = findDirective(patch, '');
  if (directive) {
    throw errors.badRequest(`kube-fake does not model strategic merge directive ${directive.key} at ${directive.path || '/'}; `
      + 'use a JSON merge or JSON patch');
  }
  return mergePatch(target, patch);
}

function findDirective(v: unknown, path: string): { key: string; path: string } | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { const d = findDirective(v[i], `${path}/${i}`); if (d) return d; }
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) return { key: k, path };
      const d = findDirective(x, `${path}/${k}`);
      if (d) return d;
    }
  }
  return undefined;
}

type Op = { op: string; path: string; value?: unknown; from?: string };

/** RFC 6902 JSON patch. Returns a new document; `doc` is not changed. */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const ops: Op[] = patch.map((p, i) => {
    if (!isObject(p) || typeof p.op !== 'string') throw errors.badRequest(`json patch operation ${i} has no "op"`);
    if (typeof p.path !== 'string') throw errors.badRequest(`json patch operation ${i} (${p.op}) has no "path"`);
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(p.op)) throw errors.badRequest(`Unexpected kind: ${p.op}`);
    if (['add', 'replace', 'test'].includes(p.op) && !('value' in p)) throw errors.badRequest(`json patch operation ${i} (${p.op}) has no "value"`);
    if (['move', 'copy'].includes(p.op) && typeof p.from !== 'string') throw errors.badRequest(`json patch operation ${i} (${p.op}) has no "from"`);
    return p as Op;
  });
  let root: unknown = clone(doc);
  for (const op of ops) {
    switch (op.op) {
      case 'add': root = add(root, op.path, clone(op.value)); break;
      case 'remove': root = remove(root, op.path); break;
      case 'replace': root = add(remove(root, op.path), op.path, clone(op.value)); break;
      case 'move': { const v = get(root, op.from!); root = add(remove(root, op.from!), op.path, v); break; }
      case 'copy': root = add(root, op.path, clone(get(root, op.from!))); break;
      case 'test':
        if (!deepEqual(getOrUndefined(root, op.path), op.value)) {
          throw errors.unprocessable(`the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`);
        }
        break;
    }
  }
  return root;
}

/** RFC 6901 pointer -> tokens. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw errors.badRequest(`JSON pointer must be empty or start with "/": ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const missing = (pointer: string, why: string) =>
  errors.unprocessable(`the server rejected our request due to an error in our request: ${why}: ${pointer}`);

function parentOf(root: unknown, pointer: string): { parent: any; key: string } {
  const t = tokens(pointer);
  if (t.length === 0) throw missing(pointer, 'operation on the document root is not supported');
  let cur: any = root;
  for (const k of t.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[arrayIndex(cur, k, pointer, false)] : isObject(cur) ? cur[k] : undefined;
    if (cur === undefined) throw missing(pointer, 'doc is missing path');
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw missing(pointer, 'doc is missing path');
  return { parent: cur, key: t[t.length - 1] };
}

function arrayIndex(arr: unknown[], key: string, pointer: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw missing(pointer, 'invalid array index');
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw missing(pointer, 'array index out of bounds');
  return i;
}

function get(root: unknown, pointer: string): unknown {
  let cur: any = root;
  for (const k of tokens(pointer)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, k, pointer, false)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, k)) cur = cur[k];
    else throw missing(pointer, 'doc is missing path');
  }
  return cur;
}

function getOrUndefined(root: unknown, pointer: string): unknown {
  try {
    return get(root, pointer);
  } catch {
    return undefined;
  }
}

function add(root: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const { parent, key } = parentOf(root, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return root;
}

function remove(root: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(root, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else if (Object.prototype.hasOwnProperty.call(parent, key)) delete parent[key];
  else throw missing(pointer, 'unable to remove nonexistent key');
  return root;
}

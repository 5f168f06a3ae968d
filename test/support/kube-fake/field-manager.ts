/**
 * Server-side apply (`application/apply-patch+yaml`) and metadata.managedFields, modelled coarsely.
 *
 * Modelled:
 * - Ownership is tracked per field manager and operation (Apply / Update, and the status subresource
 *   separately) as a set of field paths, written to metadata.managedFields in the real FieldsV1 shape
 *   (`{"f:spec":{"f:replicas":{}}}`) with manager, operation, apiVersion, time and fieldsType.
 * - Apply: `fieldManager` is required (400); the applied config must name apiVersion, kind and the URL's
 *   name; the object is created when absent (201); the config is merged into the live object (maps merge
 *   key by key, lists and scalars replace); a field another manager owns with a different value is a
 *   409 Conflict ("Apply failed with N conflict(s): conflict with "m" using v: .spec.x", causes of type
 *   FieldManagerConflict) unless `force=true`, which takes the field over; a field the applier owned
 *   before and leaves out of its new config is removed when no other manager owns it; an equal value
 *   is shared ownership, never a conflict; a metadata.resourceVersion in the config must match (409).
 * - Updates (POST, PUT, JSON/merge/strategic patch) give their manager the fields they change and
 *   take those fields away from every other manager, with no conflict (as the real server does).
 *
 * Not modelled (GAPS):
 * - Lists are atomic: a list field is owned as a whole. The real server merges associative lists
 *   (`x-kubernetes-list-type: map`, e.g. containers by name, conditions by type) item by item and
 *   `set` lists value by value, so two managers can own different items of one list; here the second
 *   applier of a different list conflicts (or, forced, replaces the whole list).
 * - No schema: no defaulting, no field pruning or validation, no `x-kubernetes-map-type: atomic`.
 * - Explicit nulls in an applied config delete the field and are not owned.
 * - managedFields sent by a client are ignored (the real server lets a client overwrite or clear them).
 * - No version conversion of field sets: ownership recorded under v1beta1 applies to a v1beta2 apply.
 * - The same manager's Update entry never conflicts with its own Apply.
 */
import { clone, deepEqual, isObject } from './patch';
import { groupVersion, TypeEntry } from './registry';
import type { Reply, ResourceRequest } from './request';
import { KubeError, errors } from './status';
import { now, ObjectStore, WriteContext } from './store';

type Path = readonly string[];

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  paths: Path[];
}

const IGNORED_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

/** Paths of the leaves of an object: scalars, lists and empty maps; server-set metadata excluded. */
export function leafPaths(obj: unknown, prefix: string[] = []): Path[] {
  if (!isObject(obj)) return prefix.length ? [prefix] : [];
  const keys = Object.keys(obj).filter((k) => obj[k] !== null && obj[k] !== undefined
    && !(prefix.length === 0 && (k === 'apiVersion' || k === 'kind'))
    && !(prefix.length === 1 && prefix[0] === 'metadata' && IGNORED_METADATA.has(k)));
  if (keys.length === 0) return prefix.length && !(prefix.length === 1 && prefix[0] === 'metadata') ? [prefix] : [];
  return keys.flatMap((k) => leafPaths(obj[k], [...prefix, k]));
}

const pathKey = (p: Path): string => JSON.stringify(p);
const overlaps = (a: Path, b: Path): boolean => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};
const showPath = (p: Path): string => p.map((k) => `.${k}`).join('');

function valueAt(obj: unknown, p: Path): unknown {
  let cur: any = obj;
  for (const k of p) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function removeAt(obj: any, p: Path): void {
  let cur = obj;
  for (const k of p.slice(0, -1)) {
    if (!isObject(cur[k])) return;
    cur = cur[k];
  }
  delete cur[p[p.length - 1]];
}

/** FieldsV1 `{"f:a":{"f:b":{}}}` <-> paths. */
export function toFieldsV1(paths: readonly Path[]): Record<string, any> {
  const root: Record<string, any> = {};
  for (const p of paths) {
    let cur = root;
    for (const k of p) cur = cur[`f:${k}`] ??= {};
  }
  return root;
}

export function fromFieldsV1(f: unknown, prefix: string[] = []): Path[] {
  if (!isObject(f)) return [];
  const keys = Object.keys(f).filter((k) => k.startsWith('f:'));
  if (keys.length === 0) return prefix.length ? [prefix] : [];
  return keys.flatMap((k) => fromFieldsV1(f[k], [...prefix, k.slice(2)]));
}

function readEntries(obj: any): Entry[] {
  const mf = obj?.metadata?.managedFields;
  if (!Array.isArray(mf)) return [];
  return mf.filter((e) => isObject(e) && typeof e.manager === 'string').map((e) => ({
    manager: e.manager, operation: e.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: e.apiVersion, time: e.time,
    ...(e.subresource ? { subresource: e.subresource } : {}), paths: fromFieldsV1(e.fieldsV1),
  }));
}

function writeEntries(obj: any, entries: Entry[]): void {
  const kept = entries.filter((e) => e.paths.length > 0);
  if (kept.length === 0) { delete obj.metadata.managedFields; return; }
  obj.metadata.managedFields = kept.map((e) => ({
    manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(e.paths), ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

function entryFor(entries: Entry[], manager: string, operation: Entry['operation'], ctx: WriteContext): Entry {
  let e = entries.find((x) => x.manager === manager && x.operation === operation && x.subresource === ctx.subresource);
  if (!e) {
    e = { manager, operation, apiVersion: ctx.apiVersion ?? '', time: now(), ...(ctx.subresource ? { subresource: ctx.subresource } : {}), paths: [] };
    entries.push(e);
  }
  return e;
}

/** Sets an entry's fields; apiVersion and time change only when the set does (a no-op write stays a no-op). */
function setPaths(e: Entry, paths: Path[], ctx: WriteContext): void {
  const same = e.paths.length === paths.length && e.paths.every((p, i) => pathKey(p) === pathKey(paths[i]));
  if (same) return;
  e.paths = paths;
  e.apiVersion = ctx.apiVersion ?? e.apiVersion;
  e.time = now();
}

/** The store hook for every non-apply write: the writer owns what it changed, others lose it. */
export function recordUpdate(_type: TypeEntry, old: any | undefined, next: any, ctx: WriteContext): void {
  if (ctx.operation === 'Apply') return;
  const entries = readEntries(old);
  const before = old ? leafPaths(old) : [];
  const after = leafPaths(next);
  const changed = after.filter((p) => !deepEqual(valueAt(old, p), valueAt(next, p)));
  const afterKeys = new Set(after.map(pathKey));
  const removed = before.filter((p) => !afterKeys.has(pathKey(p)));
  if (changed.length === 0 && removed.length === 0) { writeEntries(next, entries); return; }
  for (const e of entries) e.paths = e.paths.filter((q) => ![...changed, ...removed].some((p) => overlaps(p, q)));
  const mine = entryFor(entries, ctx.manager ?? 'unknown', 'Update', ctx);
  const have = new Set(mine.paths.map(pathKey));
  setPaths(mine, [...mine.paths, ...changed.filter((p) => !have.has(pathKey(p)))], ctx);
  writeEntries(next, entries);
}

/** Merge of an applied config into the live object: maps merge, lists and scalars replace, null deletes. */
function applyMerge(live: unknown, config: unknown): unknown {
  if (!isObject(config) || !isObject(live)) return clone(config);
  const out: Record<string, any> = clone(live);
  for (const [k, v] of Object.entries(config)) {
    if (v === null) delete out[k];
    else out[k] = applyMerge(out[k], v);
  }
  return out;
}

/** PATCH with application/apply-patch+yaml. */
export function applyPatch(store: ObjectStore, req: ResourceRequest, present: (obj: any) => any): Reply {
  const type = req.type;
  const manager = req.query.get('fieldManager');
  if (!manager) throw errors.badRequest('fieldManager: Required value: is required for apply patch');
  const force = req.query.get('force') === 'true';
  const config = req.body;
  if (!isObject(config)) throw errors.badRequest('the body of an apply patch must be an object (YAML or JSON)');
  const gv = groupVersion(type.group, req.version);
  if (typeof config.apiVersion !== 'string' || typeof config.kind !== 'string') {
    throw errors.badRequest('invalid object type: apiVersion and kind must be set in an apply patch');
  }
  if (config.apiVersion !== gv || config.kind !== type.kind) {
    throw errors.badRequest(`the API version or kind in the data (${config.apiVersion}, ${config.kind}) does not match the URL (${gv}, ${type.kind})`);
  }
  const meta = isObject(config.metadata) ? config.metadata : {};
  if (meta.name !== req.name) throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${req.name})`);
  if (type.namespaced && meta.namespace !== undefined && meta.namespace !== req.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const ctx: WriteContext = { dryRun: req.dryRun, manager, apiVersion: gv, subresource: req.subresource, operation: 'Apply' };
  // What this applier can set through this endpoint.
  const hasStatus = type.subresources.includes('status');
  const applied: Record<string, any> = req.subresource === 'status'
    ? { apiVersion: gv, kind: type.kind, metadata: { name: req.name }, ...('status' in config ? { status: config.status } : {}) }
    : clone(config);
  if (req.subresource !== 'status' && hasStatus) delete applied.status;
  applied.metadata = { ...(isObject(applied.metadata) ? applied.metadata : {}), name: req.name };
  if (type.namespaced) applied.metadata.namespace = req.namespace;
  delete applied.metadata.managedFields;
  const appliedPaths = leafPaths(dropNulls(applied));

  const live = store.get(type, req.namespace, req.name!);
  if (!live) {
    if (req.subresource) throw errors.notFound(type.plural, type.group, req.name!);
    const obj = dropNulls(applied);
    delete obj.metadata.resourceVersion;
    const entries: Entry[] = [];
    setPaths(entryFor(entries, manager, 'Apply', ctx), appliedPaths, ctx);
    writeEntries(obj, entries);
    return { status: 201, body: present(store.create(type, obj, ctx)) };
  }
  if (meta.resourceVersion !== undefined && String(meta.resourceVersion) !== live.metadata.resourceVersion) {
    throw errors.staleResourceVersion(type.plural, type.group, req.name!);
  }
  delete applied.metadata.resourceVersion;
  const entries = readEntries(live);
  const current = present(live);
  const merged = applyMerge(current, applied) as Record<string, any>;

  // Conflicts: another manager owns an overlapping field whose value this apply changes.
  const conflicts = new Map<Entry, Path[]>();
  for (const e of entries) {
    if (e.manager === manager) continue;
    for (const q of e.paths) {
      for (const p of appliedPaths) {
        if (!overlaps(p, q)) continue;
        const longer = p.length >= q.length ? p : q;
        if (!deepEqual(valueAt(current, longer), valueAt(merged, longer))) {
          const list = conflicts.get(e) ?? [];
          if (!list.some((x) => pathKey(x) === pathKey(longer))) list.push(longer);
          conflicts.set(e, list);
        }
      }
    }
  }
  if (conflicts.size && !force) throw conflictError(conflicts);
  for (const [e] of conflicts) e.paths = e.paths.filter((q) => !appliedPaths.some((p) => overlaps(p, q)));

  // Fields this manager applied before and no longer does: removed unless someone else owns them.
  const mine = entryFor(entries, manager, 'Apply', ctx);
  for (const r of mine.paths) {
    if (appliedPaths.some((p) => overlaps(p, r))) continue;
    if (entries.some((e) => e !== mine && e.paths.some((q) => overlaps(q, r)))) continue;
    removeAt(merged, r);
  }
  setPaths(mine, appliedPaths, ctx);
  writeEntries(merged, entries);
  return { status: 200, body: present(store.update(type, live, merged, ctx).object) };
}

function dropNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropNulls) as T;
  if (!isObject(v)) return v;
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out as T;
}

function conflictError(conflicts: Map<Entry, Path[]>): KubeError {
  const all = [...conflicts.entries()];
  const count = all.reduce((n, [, ps]) => n + ps.length, 0);
  const using = (e: Entry) => `"${e.manager}"${e.apiVersion ? ` using ${e.apiVersion}` : ''}`;
  let message: string;
  if (count === 1) {
    const [e, ps] = all[0];
    message = `Apply failed with 1 conflict: conflict with ${using(e)}: ${showPath(ps[0])}`;
  } else {
    message = `Apply failed with ${count} conflicts: ` + all.map(([e, ps]) =>
      `${ps.length === 1 ? 'conflict' : 'conflicts'} with ${using(e)}:\n${ps.map((p) => `- ${showPath(p)}`).join('\n')}`).join('\n');
  }
  const causes = all.flatMap(([e, ps]) => ps.map((p) => ({ type: 'FieldManagerConflict', message: `conflict with ${using(e)}`, field: showPath(p) })));
  return new KubeError(409, 'Conflict', message, { causes });
}

/**
 * The object store: one map per (group, kind), keyed by namespace/name, and the rules kube-apiserver's
 * generic registry applies on every write:
 * - resourceVersion from one global counter, bumped by every write that changes the object (a no-op
 *   update leaves the object and its resourceVersion as they were, as the real server does);
 * - uid, creationTimestamp and generation 1 on create; generation + 1 when anything outside metadata
 *   (and outside status, for types with a status subresource) changes, and when deletion starts;
 * - system metadata (uid, creationTimestamp, deletionTimestamp, generation) cannot be changed by a write;
 * - delete with finalizers sets deletionTimestamp; the object goes when the last finalizer is removed;
 * - a write that carries a metadata.resourceVersion different from the stored one is a 409 Conflict;
 * - creating in a namespace that does not exist is 404, in a terminating one 403 (NamespaceLifecycle
 *   admission); deleting a namespace deletes its objects and the namespace goes once they are gone.
 *
 * Objects are stored without regard to version and presented in the version of each request.
 */
import { randomUUID } from 'crypto';
import { clone, deepEqual } from './patch';
import { groupVersion, TypeEntry, typeKey, TypeRegistry } from './registry';
import { errors, KubeError } from './status';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change to the store, as a watch would see it (the fake serves no watch; tests subscribe in-process). */
export interface StoreEvent {
  readonly type: WatchEventType;
  /** The object after the change (for DELETED: as it was last stored). */
  readonly object: any;
  readonly group: string;
  readonly kind: string;
}

export interface WriteContext {
  /** Evaluate and answer, but store nothing (`dryRun=All`). */
  readonly dryRun?: boolean;
  /** Field manager of the write, for managedFields. */
  readonly manager?: string;
  /** The request's apiVersion, recorded in managedFields. */
  readonly apiVersion?: string;
  /** `status` for writes through the status subresource. */
  readonly subresource?: string;
  /** `Apply` when server-side apply computed managedFields already. @default 'Update' */
  readonly operation?: 'Apply' | 'Update';
}

/** Computes metadata.managedFields of the object a write produces (see field-manager.ts). */
export type ManagedFieldsHook = (type: TypeEntry, old: any | undefined, next: any, ctx: WriteContext) => void;

export const NAMESPACE_TYPE = typeKey('', 'Namespace');

const SYSTEM_METADATA = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink'] as const;

/** RFC 3339 without fractions, as metav1.Time marshals. */
export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export class ObjectStore {
  private readonly objects = new Map<string, Map<string, any>>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private counter = 0;
  managedFields: ManagedFieldsHook = () => undefined;
  /** Per-type validation of created and updated objects (422 with the causes); seeding skips it. */
  private readonly validators = new Map<string, (obj: any) => { field: string; message: string }[]>();
  /** Per-type rewrites of what is answered (e.g. PDB status computed the way its controller would). */
  private readonly decorators = new Map<string, (obj: any) => any>();
  /** Enforce NamespaceLifecycle on create (see startKubeFake's `enforceNamespaces`). */
  enforceNamespaces = true;

  constructor(readonly registry: TypeRegistry) {}

  /** The current resourceVersion (of the last write). */
  get resourceVersion(): string {
    return String(this.counter);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The stored object itself (callers clone before handing it out). */
  get(type: TypeEntry, namespace: string | undefined, name: string): any | undefined {
    return this.bucket(type).get(key(type, namespace, name));
  }

  /** Stored objects of a type, sorted by namespace and name (etcd key order); all namespaces when `namespace` is undefined. */
  list(type: TypeEntry, namespace?: string): any[] {
    const out: any[] = [];
    for (const [k, o] of [...this.bucket(type).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!type.namespaced || namespace === undefined || k.startsWith(`${namespace}/`)) out.push(o);
    }
    return out;
  }

  /** Every type that has objects, with them. */
  *entries(): Iterable<[TypeEntry, any[]]> {
    for (const type of this.registry.all()) {
      const items = this.list(type);
      if (items.length) yield [type, items];
    }
  }

  /** Creates `obj` (already checked for name/namespace by the caller); returns the stored object. */
  create(type: TypeEntry, input: any, ctx: WriteContext = {}): any {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName, (n) => !!this.get(type, meta.namespace, n));
    this.checkName(type, meta.name);
    if (type.namespaced) {
      if (!meta.namespace) throw errors.badRequest('the namespace of the object is required for a namespaced resource');
      this.checkNamespaceOpen(type, meta.namespace, meta.name);
    } else {
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (this.get(type, meta.namespace, meta.name)) throw errors.alreadyExists(type.plural, type.group, meta.name);
    for (const f of SYSTEM_METADATA) delete meta[f];
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    meta.generation = 1;
    if (type.subresources.includes('status') && ctx.subresource !== 'status') delete obj.status;
    this.check(type, obj);
    this.managedFields(type, undefined, obj, ctx);
    if (ctx.dryRun) return { ...obj, metadata: { ...meta, resourceVersion: String(this.counter + 1) } };
    meta.resourceVersion = String(++this.counter);
    this.bucket(type).set(key(type, meta.namespace, meta.name), obj);
    this.emit('ADDED', type, obj);
    return obj;
  }

  /**
   * Replaces the stored `old` with `next` (same name/namespace); returns the stored object, or the last
   * state of a removed one (finalizers all gone on a deleting object) with `deleted: true`.
   */
  update(type: TypeEntry, old: any, input: any, ctx: WriteContext = {}): { object: any; deleted: boolean } {
    let next = clone(input);
    next.metadata ??= {};
    // Stored objects keep the apiVersion/kind of their first write; answers carry the request's.
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && String(rv) !== old.metadata.resourceVersion) {
      throw errors.staleResourceVersion(type.plural, type.group, old.metadata.name);
    }
    if (type.subresources.includes('status')) {
      if (ctx.subresource === 'status') {
        // The status endpoint changes only status (and metadata the server keeps anyway).
        const managedFields = next.metadata.managedFields;
        next = { ...clone(old), status: next.status };
        if (next.status === undefined) delete next.status;
        if (ctx.operation === 'Apply') next.metadata.managedFields = managedFields;
      } else if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    const meta = next.metadata;
    for (const f of SYSTEM_METADATA) {
      if (old.metadata[f] === undefined) delete meta[f];
      else meta[f] = old.metadata[f];
    }
    meta.name = old.metadata.name;
    if (type.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp && (meta.finalizers ?? []).some((f: string) => !(old.metadata.finalizers ?? []).includes(f))) {
      throw errors.forbidden(`${type.kind} "${meta.name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted`,
        type.plural, type.group, meta.name);
    }
    this.check(type, next);
    this.managedFields(type, old, next, ctx);
    if (deepEqual(withoutManagedTimes(old), withoutManagedTimes(next))) return { object: old, deleted: false };
    if (!deepEqual(specOf(type, old), specOf(type, next))) meta.generation = (old.metadata.generation ?? 0) + 1;
    if (meta.finalizers?.length === 0) delete meta.finalizers;
    const deleted = !!meta.deletionTimestamp && !meta.finalizers?.length;
    if (ctx.dryRun) return { object: { ...next, metadata: { ...meta, resourceVersion: String(this.counter + 1) } }, deleted };
    meta.resourceVersion = String(++this.counter);
    if (deleted) {
      this.bucket(type).delete(key(type, meta.namespace, meta.name));
      this.emit('DELETED', type, next);
      this.afterRemove(type, next);
    } else {
      this.bucket(type).set(key(type, meta.namespace, meta.name), next);
      this.emit('MODIFIED', type, next);
    }
    return { object: next, deleted };
  }

  /**
   * Deletes, or starts deletion of an object with finalizers (deletionTimestamp set, generation + 1).
   * `preconditions` are DeleteOptions.preconditions.
   */
  delete(type: TypeEntry, namespace: string | undefined, name: string, ctx: WriteContext & { preconditions?: { uid?: string; resourceVersion?: string } } = {}):
    { object: any; deleted: boolean } {
    const old = this.get(type, namespace, name);
    if (!old) throw errors.notFound(type.plural, type.group, name);
    const pre = ctx.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw errors.conflict(type.plural, type.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(type.plural, type.group, name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const finalizers: string[] = old.metadata.finalizers ?? [];
    const isNamespace = typeKey(type.group, type.kind) === NAMESPACE_TYPE;
    if (finalizers.length === 0 && !(isNamespace && this.namespaceHasObjects(name))) {
      if (ctx.dryRun) return { object: clone(old), deleted: true };
      this.bucket(type).delete(key(type, namespace, name));
      const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.counter) } };
      this.emit('DELETED', type, gone);
      this.afterRemove(type, gone);
      return { object: gone, deleted: true };
    }
    if (old.metadata.deletionTimestamp) return { object: old, deleted: false };
    const next = clone(old);
    next.metadata.deletionTimestamp = now();
    next.metadata.deletionGracePeriodSeconds = 0;
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    if (isNamespace) next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    if (ctx.dryRun) return { object: next, deleted: false };
    next.metadata.resourceVersion = String(++this.counter);
    this.bucket(type).set(key(type, namespace, name), next);
    this.emit('MODIFIED', type, next);
    if (isNamespace) this.deleteNamespaceContents(name);
    return { object: next, deleted: false };
  }

  /**
   * Stores an object as given (test seeding): system metadata is filled in where missing, a resourceVersion
   * assigned, an existing object replaced. No admission, no status reset, no managedFields.
   */
  seed(type: TypeEntry, input: any): any {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    this.checkName(type, meta.name);
    if (type.namespaced) meta.namespace ??= 'default';
    else delete meta.namespace;
    if (type.namespaced && this.enforceNamespaces) this.ensureNamespace(meta.namespace);
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= now();
    meta.generation ??= 1;
    meta.resourceVersion = String(++this.counter);
    const existed = !!this.get(type, meta.namespace, meta.name);
    this.bucket(type).set(key(type, meta.namespace, meta.name), obj);
    this.emit(existed ? 'MODIFIED' : 'ADDED', type, obj);
    return obj;
  }

  /** Creates a namespace (seeding) unless it exists. */
  ensureNamespace(name: string): void {
    const ns = this.registry.byKind('', 'Namespace')!;
    if (!this.get(ns, undefined, name)) {
      this.seed(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
  }

  /** Removes everything (objects, not types or listeners); the resourceVersion counter keeps counting. */
  clear(): void {
    this.objects.clear();
  }

  /** An object as answered for a request in `version`: a copy with apiVersion and kind set. */
  present(type: TypeEntry, obj: any, version: string): any {
    const { apiVersion: _a, kind: _k, ...rest } = clone(obj);
    const out = { apiVersion: groupVersion(type.group, version), kind: type.kind, ...rest };
    const decorate = this.decorators.get(typeKey(type.group, type.kind));
    return decorate ? decorate(out) : out;
  }

  /** Validates every created or updated object of a type. */
  validate(group: string, kind: string, fn: (obj: any) => { field: string; message: string }[]): void {
    this.validators.set(typeKey(group, kind), fn);
  }

  private check(type: TypeEntry, obj: any): void {
    const causes = this.validators.get(typeKey(type.group, type.kind))?.(obj) ?? [];
    if (causes.length) throw errors.invalid(type.kind, type.group, obj.metadata?.name ?? '', causes);
  }

  /** Rewrites every answered object of a type (the stored object is not changed). */
  decorate(group: string, kind: string, fn: (obj: any) => any): void {
    this.decorators.set(typeKey(group, kind), fn);
  }

  private checkName(type: TypeEntry, name: unknown): void {
    if (typeof name !== 'string' || name === '') {
      throw errors.invalid(type.kind, type.group, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw errors.invalid(type.kind, type.group, name, [{
        field: 'metadata.name',
        message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      }]);
    }
  }

  private checkNamespaceOpen(type: TypeEntry, namespace: string, name: string): void {
    if (!this.enforceNamespaces) return;
    const ns = this.get(this.registry.byKind('', 'Namespace')!, undefined, namespace);
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbidden(`${type.plural}${type.group ? '.' + type.group : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        type.plural, type.group, name);
    }
  }

  private namespaceHasObjects(namespace: string): boolean {
    for (const type of this.registry.all()) {
      if (type.namespaced && this.list(type, namespace).length) return true;
    }
    return false;
  }

  /** Namespace controller: delete every object in a terminating namespace (finalizers honoured). */
  private deleteNamespaceContents(namespace: string): void {
    for (const type of this.registry.all()) {
      if (!type.namespaced) continue;
      for (const o of this.list(type, namespace)) {
        if (!o.metadata.deletionTimestamp) this.delete(type, namespace, o.metadata.name);
      }
    }
    this.finishNamespace(namespace);
  }

  /** After an object is removed: a terminating namespace that is now empty goes too. */
  private afterRemove(type: TypeEntry, obj: any): void {
    if (type.namespaced && obj.metadata.namespace) this.finishNamespace(obj.metadata.namespace);
  }

  private finishNamespace(namespace: string): void {
    const nsType = this.registry.byKind('', 'Namespace')!;
    const ns = this.get(nsType, undefined, namespace);
    if (!ns?.metadata.deletionTimestamp || ns.metadata.finalizers?.length || this.namespaceHasObjects(namespace)) return;
    this.bucket(nsType).delete(key(nsType, undefined, namespace));
    const gone = { ...ns, metadata: { ...ns.metadata, resourceVersion: String(++this.counter) } };
    this.emit('DELETED', nsType, gone);
  }

  private bucket(type: TypeEntry): Map<string, any> {
    const k = typeKey(type.group, type.kind);
    let b = this.objects.get(k);
    if (!b) this.objects.set(k, (b = new Map()));
    return b;
  }

  private emit(type: WatchEventType, t: TypeEntry, object: any): void {
    for (const fn of [...this.listeners]) {
      try {
        fn({ type, object: clone(object), group: t.group, kind: t.kind });
      } catch (e) {
        // A listener's failure is the test's, not the request's: report it without failing the write.
        if (!(e instanceof KubeError)) process.emitWarning(`kube-fake listener failed: ${(e as Error)?.message}`);
      }
    }
  }
}

const key = (type: TypeEntry, namespace: string | undefined, name: string): string => `${type.namespaced ? namespace ?? '' : ''}/${name}`;

/** The part of an object whose change bumps generation. */
function specOf(type: TypeEntry, obj: any): unknown {
  const { metadata: _m, status, ...rest } = obj;
  return type.subresources.includes('status') ? rest : { ...rest, status };
}

function withoutManagedTimes(obj: any): unknown {
  const mf = obj.metadata?.managedFields;
  if (!Array.isArray(mf)) return obj;
  return { ...obj, metadata: { ...obj.metadata, managedFields: mf.map(({ time: _t, ...e }: any) => e) } };
}

function generateName(prefix: string, taken: (name: string) => boolean): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
    const name = `${prefix.slice(0, 58)}${s}`;
    if (!taken(name)) return name;
  }
  throw errors.internal('could not generate a unique name');
}

/**
 * kube-fake: an in-process fake of the Kubernetes REST API for tests that drive the real
 * `@kubernetes/client-node` (1.4.0) over loopback HTTP through a real kubeconfig.
 *
 *   const fake = await startKubeFake();
 *   const core = fake.kubeConfig().makeApiClient(CoreV1Api);
 *   fake.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
 *   await core.patchNode({ name: 'n1', body: { spec: { unschedulable: true } } },
 *     setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
 *   expect(fake.writes()).toMatchObject([{ method: 'PATCH', contentType: 'application/merge-patch+json' }]);
 *   await fake.close();
 *
 * Patch types with client-node 1.4.0: the typed `patchX` calls (CoreV1Api.patchNode,
 * CustomObjectsApi.patchNamespacedCustomObject, ...) send `application/json-patch+json` unless told
 * otherwise (the generator picks the first media type of the OpenAPI list), so a merge-patch body sent
 * without an override is rejected as a malformed JSON patch (400), as a real server rejects it. Choose the
 * type per call with `setHeaderOptions('Content-Type', PatchStrategy.MergePatch)` (or StrategicMergePatch,
 * ServerSideApply; both exported by the client) as the last argument. `KubernetesObjectApi.patch` takes
 * the strategy as its 6th argument and defaults to strategic merge, which the real server (and the fake)
 * refuse for custom resources (415).
 *
 * What it models: discovery; list (label selectors with =, ==, !=, in, notin, exists, !exists; field
 * selectors metadata.name, metadata.namespace and the per-kind fields kube-apiserver supports, such as
 * spec.nodeName for pods; limit/continue), get, create, replace, patch (merge, JSON, strategic as merge,
 * server-side apply), delete (finalizers, preconditions, dryRun), deletecollection, the status
 * subresource, pod eviction against PodDisruptionBudgets, TokenReview / SubjectAccessReview /
 * SelfSubjectAccessReview, bearer-token authentication and per-request authorization, NamespaceLifecycle,
 * resourceVersion / uid / generation / managedFields bookkeeping, injected faults and latency, a request log.
 *
 * GAPS (real API server behaviour NOT modelled):
 * - watch (answered 405), protobuf/CBOR, chunked list consistency (continue tokens are offsets),
 *   resourceVersion semantics on reads (always the latest state), server-side request timeouts.
 * - admission: no webhooks (CAPI/Flux defaulting and validation do not run), no defaulting, no OpenAPI /
 *   CRD schema validation or pruning (unknown fields are stored), no `fieldValidation`; only metadata.name
 *   format, NamespaceLifecycle, the finalizer rule and a PDB's minAvailable/maxUnavailable are checked.
 * - no controllers: nothing reconciles (no MachineSet creates Machines, no kubelet runs pods, no garbage
 *   collection of ownerReferences, deletion propagation ignored, pod grace periods ignored: a pod
 *   without finalizers goes at once). Tests can react to changes with `fake.onChange`.
 * - no version conversion: an object stored once per group/kind is answered under any served version
 *   with the same fields; apiVersion is set to the version of the request.
 * - strategic merge patch is a JSON merge patch (lists replaced; `$patch` directives answered 400).
 * - server-side apply: lists are atomic, no schema-aware merging (see field-manager.ts for the full list).
 * - PDBs: status is computed from the matching pods at each eviction and each read of a PDB (no
 *   controller lag, no observedGeneration check, expectedPods counts pods rather than the owning
 *   controller's scale; a status written by a client is not answered).
 * - RBAC objects are stored but not evaluated; authorization is the `authorizer` function.
 * - generation is set for every kind (kube-apiserver leaves it unset for some core kinds).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { computePdbStatus, EvictionAnswer, EvictionScript, PdbStatus, pdbStatusStanza, validatePdb } from './eviction';
import { recordUpdate } from './field-manager';
import { kubeConfigFor, kubeconfigYaml } from './kubeconfig';
import { clone } from './patch';
import { builtinTypes, parseApiVersion, ResourceType, TypeEntry, TypeRegistry } from './registry';
import type { UserInfo } from './request';
import { Authorizer, defaultAuthorizer } from './reviews';
import { FakeServer, FaultSpec, LatencySpec, RecordedRequest } from './server';
import { ObjectStore, StoreEvent } from './store';

export type { EvictionAnswer, EvictionScript, PdbStatus } from './eviction';
export type { ResourceType } from './registry';
export type { UserInfo } from './request';
export type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from './reviews';
export type { FaultSpec, LatencySpec, RecordedRequest } from './server';
export type { StoreEvent } from './store';
export { EVICTION_BLOCKED } from './eviction';

export interface KubeFakeOptions {
  /** Cluster/user/context name in the kubeconfig. @default 'kube-fake' */
  readonly name?: string;
  /** Token -> user. Used by TokenReview, `requireAuth` and `authorizeRequests`. @default {} */
  readonly tokens?: Readonly<Record<string, UserInfo>>;
  /** Token `kubeConfig()` and `kubeconfigYaml()` put in the kubeconfig when none is passed. @default 'kube-fake-admin', mapped to a system:masters user unless `tokens` names it */
  readonly defaultToken?: string;
  /** Answer 401 to any request without a known bearer token. @default false */
  readonly requireAuth?: boolean;
  /** Decide every resource request with `authorizer` (403 on deny). @default false */
  readonly authorizeRequests?: boolean;
  /** SubjectAccessReview and `authorizeRequests` policy. @default system:masters may do anything, others nothing */
  readonly authorizer?: Authorizer;
  /** Extra types to serve. */
  readonly types?: readonly ResourceType[];
  /** Objects to seed. */
  readonly objects?: readonly any[];
  /** Creating in a missing namespace is 404 (NamespaceLifecycle). `default`, `kube-system`, `kube-public` exist. @default true */
  readonly enforceNamespaces?: boolean;
  /** Largest request body accepted (413 beyond). @default 3 MiB, as kube-apiserver */
  readonly maxBodyBytes?: number;
  /** GET /version. @default v1.31.0 */
  readonly gitVersion?: string;
}

export const DEFAULT_TOKEN = 'kube-fake-admin';

export class KubeFake {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  private readonly registry: TypeRegistry;
  private readonly store: ObjectStore;
  private readonly server: FakeServer;
  private readonly tokens: Map<string, UserInfo>;
  private readonly scripts: EvictionScript[];
  private readonly name: string;
  private readonly defaultToken: string;

  /** @internal use startKubeFake */
  constructor(parts: { url: string; registry: TypeRegistry; store: ObjectStore; server: FakeServer; tokens: Map<string, UserInfo>; scripts: EvictionScript[]; name: string; defaultToken: string }) {
    this.url = parts.url;
    this.registry = parts.registry;
    this.store = parts.store;
    this.server = parts.server;
    this.tokens = parts.tokens;
    this.scripts = parts.scripts;
    this.name = parts.name;
    this.defaultToken = parts.defaultToken;
  }

  // ---- client side ----

  /** A KubeConfig (loaded from the YAML of kubeconfigYaml) for this fake, with `token` or the default token. */
  kubeConfig(token: string | null = this.defaultToken): KubeConfig {
    return kubeConfigFor({ name: this.name, server: this.url, token: token ?? undefined });
  }

  /** Kubeconfig YAML for this fake (e.g. for a `<cluster>-kubeconfig` Secret's `data.value`, base64). `null`: no token. */
  kubeconfigYaml(token: string | null = this.defaultToken): string {
    return kubeconfigYaml({ name: this.name, server: this.url, token: token ?? undefined });
  }

  // ---- requests ----

  /** Every request received, in order (discovery included). */
  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  /** Requests other than GET (discovery and reads excluded). */
  writes(): RecordedRequest[] {
    return this.server.requests.filter((r) => r.method !== 'GET');
  }

  /** Forgets the request log, pending faults and latencies, and eviction scripts. Objects stay. */
  reset(): void {
    this.server.reset();
    this.scripts.length = 0;
  }

  /** The next `times` (default 1) requests matching `method`/`path` are answered with a Status of `status`. */
  failNext(spec: FaultSpec): void {
    this.server.failNext(spec);
  }

  /** Delays matching requests by `ms` (all requests when no method/path); `setLatency(undefined)` clears. */
  setLatency(spec: LatencySpec | undefined): void {
    this.server.setLatency(spec);
  }

  // ---- policy ----

  /** Maps a bearer token to a user (TokenReview, requireAuth). */
  addToken(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  /** Replaces the authorizer behind SubjectAccessReview and authorizeRequests. */
  setAuthorizer(authorizer: Authorizer): void {
    this.server.setAuthorizer(authorizer);
  }

  /**
   * Scripts eviction answers: the function sees each eviction of an existing pod and answers 'allow',
   * 'block' (429 as a PDB would), `{ block: true, pdb }`, `{ status, message }` or undefined (PDB logic).
   * Scripts run in the order added; returns a function that removes this one.
   */
  onEviction(script: EvictionScript): () => void {
    this.scripts.push(script);
    return () => { const i = this.scripts.indexOf(script); if (i >= 0) this.scripts.splice(i, 1); };
  }

  /** Blocks the next `times` evictions (optionally of pods whose name matches `pod`) with a 429 naming `pdb`, then lets the PDB logic decide. */
  blockEvictions(times: number, opts: { pod?: string | RegExp; pdb?: string } = {}): void {
    let left = times;
    const remove = this.onEviction((pod): EvictionAnswer => {
      const name: string = pod.metadata.name;
      if (opts.pod !== undefined && !(typeof opts.pod === 'string' ? opts.pod === name : opts.pod.test(name))) return undefined;
      if (left <= 0) return undefined;
      if (--left === 0) remove();
      return { block: true, pdb: opts.pdb ?? 'scripted' };
    });
  }

  // ---- state, bypassing HTTP ----

  /** Serves another type (or another version of a known one). */
  registerType(type: ResourceType): void {
    this.registry.register(type);
  }

  /** Stores objects as given (system metadata filled in, no admission, status kept); returns the stored copies. */
  seed<T = any>(objects: T | readonly T[]): T[] {
    const list = (Array.isArray(objects) ? objects : [objects]) as any[];
    return list.map((o) => clone(this.store.seed(this.typeOf(o.apiVersion, o.kind), o)));
  }

  /** A copy of a stored object in `apiVersion`, or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): any | undefined {
    const type = this.typeOf(apiVersion, kind);
    const o = this.store.get(type, type.namespaced ? namespace : undefined, name);
    return o && this.store.present(type, o, parseApiVersion(apiVersion).version);
  }

  /** Copies of every stored object of `kind` (any group; `group/Kind` or `apiVersion` + kind to disambiguate), optionally in one namespace. */
  list(kind: string, namespace?: string): any[] {
    const type = this.typeByKindName(kind);
    return this.store.list(type, namespace).map((o) => this.store.present(type, o, type.versions[0]));
  }

  /** Removes finalizers (all, or the named ones) as a controller would; a deleting object with none left goes. */
  removeFinalizers(apiVersion: string, kind: string, namespace: string | undefined, name: string, finalizers?: readonly string[]): void {
    const type = this.typeOf(apiVersion, kind);
    const o = this.store.get(type, type.namespaced ? namespace : undefined, name);
    if (!o) throw new Error(`kube-fake: no ${kind} ${namespace ? namespace + '/' : ''}${name}`);
    const next = clone(o);
    next.metadata.finalizers = finalizers ? (o.metadata.finalizers ?? []).filter((f: string) => !finalizers.includes(f)) : [];
    this.store.update(type, o, next, { manager: 'kube-fake' });
  }

  /** Removes an object at once (no finalizers, no events of deletion in progress). */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const type = this.typeOf(apiVersion, kind);
    const o = this.store.get(type, type.namespaced ? namespace : undefined, name);
    if (!o) return;
    this.removeFinalizers(apiVersion, kind, namespace, name);
    if (this.store.get(type, type.namespaced ? namespace : undefined, name)) this.store.delete(type, type.namespaced ? namespace : undefined, name);
  }

  /** The PDB's status as the eviction logic sees it now. */
  pdbStatus(namespace: string, name: string): PdbStatus {
    const pdbType = this.typeOf('policy/v1', 'PodDisruptionBudget');
    const pdb = this.store.get(pdbType, namespace, name);
    if (!pdb) throw new Error(`kube-fake: no PodDisruptionBudget ${namespace}/${name}`);
    return computePdbStatus(pdb, this.store.list(this.typeOf('v1', 'Pod'), namespace));
  }

  /** Calls `fn` after every change of the store (HTTP writes and seeding); returns an unsubscribe function. */
  onChange(fn: (event: StoreEvent) => void): () => void {
    return this.store.subscribe(fn);
  }

  /** The global resourceVersion (of the last write). */
  get resourceVersion(): string {
    return this.store.resourceVersion;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private typeOf(apiVersion: string, kind: string): TypeEntry {
    const t = this.registry.byApiVersionKind(apiVersion, kind);
    if (!t) throw new Error(`kube-fake: ${apiVersion} ${kind} is not a served type (registerType it)`);
    return t;
  }

  private typeByKindName(kind: string): TypeEntry {
    const slash = kind.lastIndexOf('/');
    if (slash >= 0) {
      const [gv, k] = [kind.slice(0, slash), kind.slice(slash + 1)];
      const byGroup = this.registry.byKind(gv, k);
      if (byGroup) return byGroup;
      return this.typeOf(gv, k);
    }
    const all = this.registry.all().filter((t) => t.kind === kind);
    if (all.length !== 1) {
      throw new Error(`kube-fake: kind ${kind} is ${all.length ? `served by ${all.length} groups (${all.map((t) => t.group || 'core').join(', ')}); name it as group/Kind` : 'not served'}`);
    }
    return all[0];
  }
}

/** Starts a fake on 127.0.0.1 (random port). Close it with `close()`. */
export async function startKubeFake(opts: KubeFakeOptions = {}): Promise<KubeFake> {
  const registry = new TypeRegistry();
  for (const t of [...builtinTypes(), ...(opts.types ?? [])]) registry.register(t);
  const store = new ObjectStore(registry);
  store.managedFields = recordUpdate;
  store.enforceNamespaces = opts.enforceNamespaces ?? true;
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) store.ensureNamespace(ns);
  // The disruption controller's view, fresh on every read.
  const podType = registry.byKind('', 'Pod')!;
  store.validate('policy', 'PodDisruptionBudget', validatePdb);
  store.decorate('policy', 'PodDisruptionBudget', (pdb) =>
    ({ ...pdb, status: pdbStatusStanza(pdb, computePdbStatus(pdb, store.list(podType, pdb.metadata.namespace))) }));
  const defaultToken = opts.defaultToken ?? DEFAULT_TOKEN;
  const tokens = new Map<string, UserInfo>(Object.entries(opts.tokens ?? {}));
  if (!tokens.has(defaultToken)) tokens.set(defaultToken, { username: 'kube-fake-admin', groups: ['system:masters', 'system:authenticated'] });
  const scripts: EvictionScript[] = [];
  const gitVersion = opts.gitVersion ?? 'v1.31.0';
  const [major, minor] = gitVersion.replace(/^v/, '').split('.');
  const server = new FakeServer({
    store, registry, maxBodyBytes: opts.maxBodyBytes ?? 3 * 1024 * 1024, tokens,
    requireAuth: opts.requireAuth ?? false, authorizeRequests: opts.authorizeRequests ?? false,
    authorizer: opts.authorizer ?? defaultAuthorizer, evictionScripts: scripts,
    version: { major, minor, gitVersion, platform: 'linux/amd64', goVersion: 'kube-fake' },
  });
  const url = await server.listen();
  const fake = new KubeFake({ url, registry, store, server, tokens, scripts, name: opts.name ?? 'kube-fake', defaultToken });
  if (opts.objects?.length) fake.seed(opts.objects);
  return fake;
}

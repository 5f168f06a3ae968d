/**
 * The resource types the fake serves, and the discovery documents built from them (/api, /api/v1,
 * /apis, /apis/{group}, /apis/{group}/{version}) that `KubernetesObjectApi` reads to map a kind to its
 * plural and scope.
 *
 * A type is identified by (group, kind): registering the same kind under several versions serves every
 * version from one set of stored objects, and an object is answered in the version of the request
 * (no schema conversion: a v1beta1 and a v1beta2 read of the same Machine return the same fields).
 */

/** What a test passes to register a type. */
export interface ResourceType {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural, the URL segment: `machines`. */
  readonly plural: string;
  readonly namespaced: boolean;
  /**
   * Subresources served: `status` (GET/PUT/PATCH only the status stanza; writes to the main resource keep
   * the stored status), `eviction` (pods only).
   * @default []
   */
  readonly subresources?: readonly string[];
  /** @default plural without a trailing s */
  readonly singular?: string;
  readonly shortNames?: readonly string[];
  /**
   * Compiled into kube-apiserver (core, apps, policy, ...) rather than defined by a CRD. Built-in list items
   * carry no apiVersion/kind, a delete answers a Status instead of the object, and strategic merge patch
   * is accepted only for built-in types (kube-apiserver answers 415 for custom resources).
   * @default false
   */
  readonly builtin?: boolean;
  /** Verbs listed in discovery and served. @default the eight standard verbs */
  readonly verbs?: readonly string[];
}

/** A registered type, with every version it is served under. */
export interface TypeEntry {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly subresources: readonly string[];
  readonly shortNames: readonly string[];
  readonly builtin: boolean;
  readonly verbs: readonly string[];
  readonly versions: string[];
}

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const CREATE_ONLY = ['create'];

export const typeKey = (group: string, kind: string): string => `${group}/${kind}`;

/** `group/version`, or `version` for the core group. */
export const groupVersion = (group: string, version: string): string => (group ? `${group}/${version}` : version);

/** `cluster.x-k8s.io/v1beta2` -> { group, version }; `v1` -> { group: '', version: 'v1' }. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export class TypeRegistry {
  private readonly entries = new Map<string, TypeEntry>();

  register(t: ResourceType): TypeEntry {
    for (const [field, v] of [['kind', t.kind], ['plural', t.plural], ['version', t.version]] as const) {
      if (typeof v !== 'string' || !v) throw new Error(`kube-fake: registerType needs a non-empty ${field}, got ${JSON.stringify(v)}`);
    }
    const key = typeKey(t.group, t.kind);
    const known = this.entries.get(key);
    if (known) {
      if (known.plural !== t.plural || known.namespaced !== t.namespaced) {
        throw new Error(`kube-fake: ${key} is registered with plural ${known.plural} (namespaced ${known.namespaced}); `
          + `got plural ${t.plural} (namespaced ${t.namespaced})`);
      }
      if (!known.versions.includes(t.version)) known.versions.push(t.version);
      return known;
    }
    const entry: TypeEntry = {
      group: t.group, kind: t.kind, plural: t.plural, singular: t.singular ?? t.kind.toLowerCase(), namespaced: t.namespaced,
      subresources: t.subresources ?? [], shortNames: t.shortNames ?? [], builtin: t.builtin ?? false,
      verbs: t.verbs ?? STANDARD_VERBS, versions: [t.version],
    };
    this.entries.set(key, entry);
    return entry;
  }

  byKind(group: string, kind: string): TypeEntry | undefined {
    return this.entries.get(typeKey(group, kind));
  }

  /** The type served at /apis/{group}/{version}/{plural}, if that version is served. */
  byPlural(group: string, version: string, plural: string): TypeEntry | undefined {
    for (const e of this.entries.values()) {
      if (e.group === group && e.plural === plural && e.versions.includes(version)) return e;
    }
    return undefined;
  }

  /** A type by apiVersion + kind, if that version is served. */
  byApiVersionKind(apiVersion: string, kind: string): TypeEntry | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    const e = this.byKind(group, kind);
    return e && e.versions.includes(version) ? e : undefined;
  }

  all(): TypeEntry[] {
    return [...this.entries.values()];
  }

  // ---- discovery ----

  /** GET /api */
  apiVersions(): object {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  }

  /** GET /apis */
  apiGroupList(): object {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groupNames().map((g) => this.apiGroup(g)) };
  }

  /** GET /apis/{group}, or undefined when the group is not served. */
  apiGroup(group: string): object | undefined {
    const versions = this.versionsOf(group);
    if (!group || versions.length === 0) return undefined;
    const gv = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: gv, preferredVersion: gv[0] };
  }

  /** GET /api/v1 or /apis/{group}/{version}, or undefined when that version is not served. */
  apiResourceList(group: string, version: string): object | undefined {
    const types = this.all().filter((e) => e.group === group && e.versions.includes(version));
    if (types.length === 0) return undefined;
    const resources: object[] = [];
    for (const e of types.sort((a, b) => a.plural.localeCompare(b.plural))) {
      resources.push({
        name: e.plural, singularName: e.singular, namespaced: e.namespaced, kind: e.kind, verbs: [...e.verbs],
        ...(e.shortNames.length ? { shortNames: [...e.shortNames] } : {}),
      });
      for (const sub of e.subresources) {
        const subKind = sub === 'eviction' ? { group: 'policy', version: 'v1', kind: 'Eviction' } : { kind: e.kind };
        resources.push({
          name: `${e.plural}/${sub}`, singularName: '', namespaced: e.namespaced, ...subKind,
          verbs: sub === 'eviction' ? ['create'] : ['get', 'patch', 'update'],
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
  }

  private groupNames(): string[] {
    return [...new Set(this.all().map((e) => e.group).filter((g) => g))].sort();
  }

  /** Versions of a group, newest first by Kubernetes version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1). */
  private versionsOf(group: string): string[] {
    const vs = new Set<string>();
    for (const e of this.all()) if (e.group === group) e.versions.forEach((v) => vs.add(v));
    return [...vs].sort(compareKubeVersions);
  }
}

/** Kubernetes version priority order (descending): GA before beta before alpha, higher numbers first. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}

const CAPI = 'cluster.x-k8s.io';
const CAPI_VERSIONS = ['v1beta2', 'v1beta1'];

/** The types every fake serves. */
export function builtinTypes(): ResourceType[] {
  const core = (kind: string, plural: string, namespaced: boolean, subresources: string[] = [], shortNames: string[] = []): ResourceType =>
    ({ group: '', version: 'v1', kind, plural, namespaced, subresources, shortNames, builtin: true });
  const builtin = (group: string, version: string, kind: string, plural: string, namespaced = true, subresources: string[] = []): ResourceType =>
    ({ group, version, kind, plural, namespaced, subresources, builtin: true });
  const crd = (group: string, versions: string[], kind: string, plural: string, namespaced = true, subresources: string[] = ['status']): ResourceType[] =>
    versions.map((version) => ({ group, version, kind, plural, namespaced, subresources }));
  const review = (group: string, kind: string, plural: string, namespaced = false): ResourceType =>
    ({ group, version: 'v1', kind, plural, namespaced, builtin: true, verbs: CREATE_ONLY });
  return [
    core('Node', 'nodes', false, ['status'], ['no']),
    core('Pod', 'pods', true, ['status', 'eviction'], ['po']),
    core('Secret', 'secrets', true),
    core('Namespace', 'namespaces', false, ['status'], ['ns']),
    core('ConfigMap', 'configmaps', true, [], ['cm']),
    core('Service', 'services', true, ['status'], ['svc']),
    core('ServiceAccount', 'serviceaccounts', true, [], ['sa']),
    core('Event', 'events', true, [], ['ev']),
    builtin('apps', 'v1', 'Deployment', 'deployments', true, ['status']),
    builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['status']),
    builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['status']),
    builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['status']),
    builtin('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['status']),
    builtin('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
    builtin('coordination.k8s.io', 'v1', 'Lease', 'leases'),
    builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
    builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
    builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
    builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
    review('authentication.k8s.io', 'TokenReview', 'tokenreviews'),
    review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews'),
    review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
    ...crd(CAPI, CAPI_VERSIONS, 'Cluster', 'clusters'),
    ...crd(CAPI, CAPI_VERSIONS, 'Machine', 'machines'),
    ...crd(CAPI, CAPI_VERSIONS, 'MachineSet', 'machinesets', true, ['status']),
    ...crd(CAPI, CAPI_VERSIONS, 'MachineDeployment', 'machinedeployments', true, ['status']),
    ...crd(CAPI, CAPI_VERSIONS, 'MachineHealthCheck', 'machinehealthchecks'),
    ...crd(CAPI, CAPI_VERSIONS, 'MachinePool', 'machinepools', true, ['status']),
    ...crd(CAPI, CAPI_VERSIONS, 'ClusterClass', 'clusterclasses'),
    ...crd(`controlplane.${CAPI}`, CAPI_VERSIONS, 'KubeadmControlPlane', 'kubeadmcontrolplanes', true, ['status']),
    ...crd(`controlplane.${CAPI}`, CAPI_VERSIONS, 'KubeadmControlPlaneTemplate', 'kubeadmcontrolplanetemplates', true, []),
    ...crd(`bootstrap.${CAPI}`, CAPI_VERSIONS, 'KubeadmConfig', 'kubeadmconfigs'),
    ...crd(`bootstrap.${CAPI}`, CAPI_VERSIONS, 'KubeadmConfigTemplate', 'kubeadmconfigtemplates', true, []),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'VSphereCluster', 'vsphereclusters'),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'VSphereMachine', 'vspheremachines'),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'VSphereMachineTemplate', 'vspheremachinetemplates', true, []),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'OpenStackCluster', 'openstackclusters'),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'OpenStackMachine', 'openstackmachines'),
    ...crd(`infrastructure.${CAPI}`, ['v1beta1'], 'OpenStackMachineTemplate', 'openstackmachinetemplates', true, []),
    ...crd(`infrastructure.${CAPI}`, CAPI_VERSIONS, 'DockerCluster', 'dockerclusters'),
    ...crd(`infrastructure.${CAPI}`, CAPI_VERSIONS, 'DockerMachine', 'dockermachines'),
    ...crd(`infrastructure.${CAPI}`, CAPI_VERSIONS, 'DockerMachineTemplate', 'dockermachinetemplates', true, []),
    ...crd(`addons.${CAPI}`, CAPI_VERSIONS, 'ClusterResourceSet', 'clusterresourcesets'),
    ...crd('helm.toolkit.fluxcd.io', ['v2'], 'HelmRelease', 'helmreleases'),
    ...crd('source.toolkit.fluxcd.io', ['v1'], 'HelmRepository', 'helmrepositories'),
    ...crd('source.toolkit.fluxcd.io', ['v1'], 'GitRepository', 'gitrepositories'),
    ...crd('source.toolkit.fluxcd.io', ['v1'], 'HelmChart', 'helmcharts'),
    ...crd('monitoring.coreos.com', ['v1'], 'PrometheusRule', 'prometheusrules', true, []),
    ...crd('monitoring.coreos.com', ['v1'], 'ServiceMonitor', 'servicemonitors', true, []),
  ];
}

/**
 * The add-on catalog: the fixed set of add-ons the platform installs, with their charts, pinned
 * versions, Kubernetes version constraints, parameters and service ports.
 *
 * The catalog is data, deeply frozen and versioned ({@link ADDON_CATALOG_VERSION}); it cannot be
 * extended or changed at runtime. A change to any entry is a library release with a new catalog
 * version. Sources for every value: ../shared/facts/flux-addons.md (z2jh 4.4.0, KubeRay v1.7.0).
 */

import { show } from '../rules/errors';

/** Version of the catalog data below. Emitted as an annotation on every add-on object. */
export const ADDON_CATALOG_VERSION = '2026.12.1';

/** The add-ons in the catalog. */
export type AddonName = 'jupyterhub' | 'kuberay';

/**
 * Who may reach a port (see network.ts for the NetworkPolicies built from it).
 * - `public`: the add-on's user-facing ports. JupyterHub: from anywhere, only when the hub is exposed
 *   (LoadBalancer, NodePort). KubeRay: from the add-on namespace, plus the sources listed in
 *   `parameters.access`. These are the ports security groups open for an exposed Service.
 * - `cluster`: other pods in the workload cluster (e.g. Prometheus scraping metrics); admitted from every namespace.
 * - `namespace`: only the add-on's own pods.
 */
export type PortAccess = 'public' | 'cluster' | 'namespace';

/** One port of a Service the add-on's charts create. */
export interface CatalogPort {
  /** Port name in the Service. */
  readonly name: string;
  /** Service that exposes it, as the chart names it (`<raycluster>` is the RayCluster's name, see network.ts). */
  readonly service: string;
  /** Service port: what users and load balancers see. */
  readonly port: number;
  /** Container port behind it: what a NetworkPolicy matches (policies see traffic after the Service's DNAT). */
  readonly targetPort: number;
  /** Node port the library fixes in the chart values for a NodePort Service (what security groups open then). */
  readonly nodePort?: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly access: PortAccess;
  /** Present only when the add-on is configured so: `https` (JupyterHub with HTTPS), `exposeDashboard` (KubeRay opt-in). */
  readonly when?: 'https' | 'exposeDashboard';
  readonly description: string;
}

/** One Helm chart of an add-on; each becomes one Flux HelmRelease. */
export interface CatalogChart {
  /** Component id; the primary chart's release is `<addon>-<suffix>`, others `<addon>-<suffix>-<component>`. */
  readonly component: string;
  readonly chart: string;
  /** Pinned chart version (exact). */
  readonly version: string;
  /** Whether this is the add-on's primary release. Exactly one chart per add-on is primary. */
  readonly primary: boolean;
  /** Helm install/upgrade timeout (Flux duration). */
  readonly timeout: string;
  /** Components (of the same add-on) that must be Ready first. */
  readonly dependsOn: readonly string[];
}

/** Kinds of parameter value. */
export type ParameterKind = 'cpu' | 'memory' | 'storage' | 'integer' | 'boolean' | 'enum' | 'storageClass'
  /** Structured parameters, each validated by its own checker (jupyterhub-access.ts, ray-access.ts). */
  | 'jupyterhubAuthentication' | 'jupyterhubHttps' | 'rayAccess';

/** One user-settable parameter. Dotted names (`head.cpu`) are nested objects in the props. */
export interface CatalogParameter {
  readonly name: string;
  readonly kind: ParameterKind;
  /** Default value; `undefined` when the default depends on another parameter (see description). */
  readonly default?: string | number | boolean;
  /** Allowed values of an `enum` parameter. */
  readonly allowed?: readonly string[];
  /** Minimum of an `integer` parameter. */
  readonly min?: number;
  /** Chart values keys the parameter sets (per component), for documentation. */
  readonly values: readonly string[];
  readonly description: string;
}

/** One add-on of the frozen catalog: its charts, Kubernetes constraint, parameters and service ports. */
export interface AddonCatalogEntry {
  readonly name: AddonName;
  readonly displayName: string;
  /** The Helm repository all of the add-on's charts come from. */
  readonly repository: { readonly url: string };
  readonly charts: readonly CatalogChart[];
  /** semver range the workload cluster's Kubernetes version must satisfy (checked with prereleases included). */
  readonly kubernetesVersion: string;
  readonly parameters: readonly CatalogParameter[];
  readonly ports: readonly CatalogPort[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;

const CATALOG: Readonly<Record<AddonName, AddonCatalogEntry>> = {
  jupyterhub: {
    name: 'jupyterhub',
    displayName: 'JupyterHub (Zero to JupyterHub)',
    repository: { url: 'https://hub.jupyter.org/helm-chart/' },
    charts: [
      { component: 'jupyterhub', chart: 'jupyterhub', version: '4.4.0', primary: true, timeout: '15m', dependsOn: [] },
    ],
    // Chart.yaml kubeVersion of z2jh 4.4.0.
    kubernetesVersion: '>=1.28.0-0',
    parameters: [
      { name: 'cpu', kind: 'cpu', default: '1', values: ['singleuser.cpu.limit'], description: 'CPU limit of each user server, in cores (z2jh wants a number; "500m" becomes 0.5).' },
      { name: 'cpuGuarantee', kind: 'cpu', values: ['singleuser.cpu.guarantee'], description: 'CPU request of each user server. Defaults to `cpu`; must not exceed it.' },
      { name: 'memory', kind: 'memory', default: '1Gi', values: ['singleuser.memory.limit'], description: 'Memory limit of each user server (converted to JupyterHub byte notation: 4Gi -> "4G").' },
      { name: 'memoryGuarantee', kind: 'memory', values: ['singleuser.memory.guarantee'], description: 'Memory request of each user server. Defaults to `memory`; must not exceed it.' },
      { name: 'storage', kind: 'storage', default: '10Gi', values: ['singleuser.storage.capacity'], description: 'Size of each user\'s home volume (PVC).' },
      { name: 'storageClass', kind: 'storageClass', values: ['singleuser.storage.dynamic.storageClass'], description: 'StorageClass of the home volumes. Default: the cluster\'s default StorageClass (the hub database PVC always uses it).' },
      { name: 'authentication', kind: 'jupyterhubAuthentication', values: ['hub.config.JupyterHub.authenticator_class', 'hub.config.GenericOAuthenticator', 'hub.config.NativeAuthenticator', 'hub.config.Authenticator', 'hub.extraEnv.OAUTH_CLIENT_SECRET', 'hub.extraConfig'], description: 'Who may log in: OIDC (GenericOAuthenticator, client secret by Secret reference) or NativeAuthenticator (admin-approved sign-ups); `dummy` only by name, with a warning. Default: nobody (JupyterHub\'s NullAuthenticator).' },
      { name: 'https', kind: 'jupyterhubHttps', values: ['proxy.https'], description: 'HTTPS: host names and a TLS Secret, or Let\'s Encrypt with a contact e-mail. Required for an exposed hub.' },
      { name: 'serviceType', kind: 'enum', allowed: SERVICE_TYPES, values: ['proxy.service.type', 'proxy.service.nodePorts'], description: 'Type of the proxy-public Service users connect to. Default: LoadBalancer when authentication (not dummy) and https are set, else ClusterIP. NodePort uses the node ports 30080 (http) and 30443 (https).' },
    ],
    ports: [
      { name: 'https', service: 'proxy-public', port: 443, targetPort: 8443, nodePort: 30443, protocol: 'TCP', access: 'public', when: 'https', description: 'JupyterHub over HTTPS (configurable-http-proxy, or autohttps with Let\'s Encrypt)' },
      { name: 'http', service: 'proxy-public', port: 80, targetPort: 8000, nodePort: 30080, protocol: 'TCP', access: 'public', description: 'JupyterHub web UI and user servers (configurable-http-proxy; with HTTPS a redirect, and Let\'s Encrypt\'s HTTP-01 challenge)' },
      { name: 'api', service: 'proxy-api', port: 8001, targetPort: 8001, protocol: 'TCP', access: 'namespace', description: 'proxy REST API, used by the hub' },
      { name: 'hub', service: 'hub', port: 8081, targetPort: 8081, protocol: 'TCP', access: 'namespace', description: 'hub API and /hub/metrics' },
    ],
  },
  kuberay: {
    name: 'kuberay',
    displayName: 'KubeRay (operator and Ray cluster)',
    repository: { url: 'https://ray-project.github.io/kuberay-helm/' },
    charts: [
      { component: 'operator', chart: 'kuberay-operator', version: '1.7.0', primary: false, timeout: '5m', dependsOn: [] },
      // The RayCluster CR needs the operator's CRDs: Flux installs ray-cluster only once the operator is Ready.
      { component: 'ray-cluster', chart: 'ray-cluster', version: '1.7.0', primary: true, timeout: '15m', dependsOn: ['operator'] },
    ],
    // KubeRay's charts declare no kubeVersion; the platform constraint from the operations guide.
    kubernetesVersion: '>=1.28.0-0',
    parameters: [
      { name: 'head.cpu', kind: 'cpu', default: '1', values: ['head.resources.requests.cpu', 'head.resources.limits.cpu'], description: 'CPU of the Ray head pod (request = limit, as Ray recommends).' },
      { name: 'head.memory', kind: 'memory', default: '5Gi', values: ['head.resources.requests.memory', 'head.resources.limits.memory'], description: 'Memory of the Ray head pod.' },
      { name: 'worker.cpu', kind: 'cpu', default: '1', values: ['worker.resources.requests.cpu', 'worker.resources.limits.cpu'], description: 'CPU of each Ray worker pod.' },
      { name: 'worker.memory', kind: 'memory', default: '1Gi', values: ['worker.resources.requests.memory', 'worker.resources.limits.memory'], description: 'Memory of each Ray worker pod.' },
      { name: 'worker.replicas', kind: 'integer', default: 1, min: 0, values: ['worker.replicas'], description: 'Initial number of worker pods.' },
      { name: 'worker.minReplicas', kind: 'integer', default: 1, min: 0, values: ['worker.minReplicas'], description: 'Lower bound for the autoscaler.' },
      { name: 'worker.maxReplicas', kind: 'integer', default: 5, min: 1, values: ['worker.maxReplicas'], description: 'Upper bound for the autoscaler.' },
      { name: 'autoscaling', kind: 'boolean', default: false, values: ['head.enableInTreeAutoscaling'], description: 'Run the Ray autoscaler (a head sidecar) to scale workers between min and max.' },
      { name: 'serviceType', kind: 'enum', default: 'ClusterIP', allowed: SERVICE_TYPES, values: [], description: 'NodePort or LoadBalancer adds the Service <raycluster>-head-public with only the client and serve ports (and the dashboard with access.exposeDashboard), externalTrafficPolicy Local, and for LoadBalancer loadBalancerSourceRanges from access.cidrs; the head Service stays ClusterIP. NodePort uses the node ports 30001 (client), 30800 (serve) and 30265 (dashboard).' },
      { name: 'access', kind: 'rayAccess', values: ['ray-cluster: RayCluster spec.authOptions (Flux post-renderer)'], description: 'Sources (namespaces, pod selectors, CIDRs) admitted to the head\'s client and serve ports, and with exposeDashboard to the dashboard; tokenSecret names the Secret with the Ray token (key auth_token). Default: the add-on namespace only, and a token the KubeRay operator generates.' },
    ],
    ports: [
      { name: 'client', service: '<raycluster>-head-public', port: 10001, targetPort: 10001, nodePort: 30001, protocol: 'TCP', access: 'public', description: 'Ray client (ray.init("ray://...")): runs code; requires the Ray token' },
      { name: 'serve', service: '<raycluster>-head-public', port: 8000, targetPort: 8000, nodePort: 30800, protocol: 'TCP', access: 'public', description: 'Ray Serve HTTP endpoints (the applications\' own authentication)' },
      { name: 'dashboard', service: '<raycluster>-head-public', port: 8265, targetPort: 8265, nodePort: 30265, protocol: 'TCP', access: 'public', when: 'exposeDashboard', description: 'Ray dashboard and job submission API: runs code; requires the Ray token' },
      { name: 'gcs-server', service: '<raycluster>-head-svc', port: 6379, targetPort: 6379, protocol: 'TCP', access: 'namespace', description: 'Ray GCS, used by the worker pods' },
      { name: 'metrics', service: '<raycluster>-head-svc', port: 8080, targetPort: 8080, protocol: 'TCP', access: 'cluster', description: 'Ray node metrics (head and workers), for Prometheus' },
      { name: 'http', service: 'kuberay-operator', port: 8080, targetPort: 8080, protocol: 'TCP', access: 'cluster', description: 'KubeRay operator metrics, for Prometheus' },
    ],
  },
};

/** The frozen catalog. */
export const ADDON_CATALOG: Readonly<Record<AddonName, AddonCatalogEntry>> = deepFreeze(CATALOG);

/** Names of all add-ons in the catalog, sorted. */
export const ADDON_NAMES: readonly AddonName[] = Object.freeze(Object.keys(ADDON_CATALOG).sort() as AddonName[]);

/** True if the value names an add-on of the catalog. */
export function isAddonName(value: unknown): value is AddonName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ADDON_CATALOG, value);
}

/**
 * The one message for a name that is not in the catalog (constructs, CLI and add-on API alike).
 */
export function unknownAddonMessage(value: unknown): string {
  return `${show(value)} is not an add-on in the catalog (version ${ADDON_CATALOG_VERSION}): use one of ${ADDON_NAMES.map((a) => show(a)).join(', ')}`;
}

/** The catalog entry of an add-on. */
export function catalogEntry(addon: AddonName): AddonCatalogEntry {
  return ADDON_CATALOG[addon];
}

/**
 * Network access of an add-on: the NetworkPolicies for its namespace on the workload cluster and the
 * ports that security groups must open.
 *
 * NetworkPolicies add up: a pod selected by several policies admits the union of their rules. So the
 * library adds only what the charts do not already allow, and never selects pods it does not mean:
 * - JupyterHub: z2jh's own policies (hub, proxy, singleuser) stay in charge. The chart's "from anywhere"
 *   rule on the proxy is switched off in the values (`allowedIngressPorts: []`); the library opens the
 *   public ports of the pod behind `proxy-public` (proxy, or autohttps with Let's Encrypt) only when the
 *   hub is exposed. No library policy selects user servers.
 * - KubeRay: the charts ship no policy. The library selects the Ray pods by role (`ray.io/node-type`) and
 *   RayCluster (`ray.io/cluster`), and the operator by its name label; being selected, everything else to
 *   them is denied.
 */
import { Manifest } from '../output/manifest';
import { checkArguments } from '../rules/arguments';

/** Any object (a plain one, or a construct such as a ClusterAddon): read by its fields. */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
import { ADDON_CATALOG, ADDON_NAMES, AddonName, CatalogPort, catalogEntry, isAddonName } from './catalog';
import type { AddonNames } from './naming';
import type { ResolvedRayAccess } from './ray-access';
import { NO_RAY_ACCESS } from './ray-access';
import type { ServiceType } from './service-type';

/** How an add-on is exposed: the input of its NetworkPolicies and security-group ports. */
export type AddonExposure =
  | { readonly addon: 'jupyterhub'; readonly serviceType: ServiceType; readonly https?: 'secret' | 'letsencrypt' }
  | { readonly addon: 'kuberay'; readonly serviceType: ServiceType; readonly access: ResolvedRayAccess };

/** The exposure of an add-on with its catalog defaults (both are ClusterIP). */
export function defaultExposure(addon: AddonName, serviceType: ServiceType = 'ClusterIP'): AddonExposure {
  return addon === 'jupyterhub' ? { addon, serviceType } : { addon, serviceType, access: NO_RAY_ACCESS };
}

/** A port to open in the cluster's security groups. */
export interface SecurityGroupPort {
  readonly addon: AddonName;
  readonly name: string;
  /** The Service, by the name the chart (or the KubeRay operator) gives it. */
  readonly service: string;
  readonly serviceType: 'NodePort' | 'LoadBalancer';
  /** The port to open: the node port for NodePort, the Service port for LoadBalancer. */
  readonly port: number;
  /** The Service port. */
  readonly servicePort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly description: string;
}

/**
 * The RayCluster the `ray-cluster` chart renders for a release: its `nameOverride` is `kuberay`, and a
 * release name that contains it is used as is (the library's `kuberay-<suffix>` always does).
 */
export function rayClusterName(release: string): string {
  const name = release.includes('kuberay') ? release : `${release}-kuberay`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/** The head Service the KubeRay operator creates for a RayCluster (ClusterIP: workers reach GCS through it). */
export function rayHeadServiceName(rayCluster: string): string {
  return `${rayCluster}-head-svc`;
}

/** The Service the library adds for an exposed Ray head (NodePort, LoadBalancer): only its user-facing ports. */
export function rayPublicServiceName(rayCluster: string): string {
  return `${rayCluster.slice(0, 63 - '-head-public'.length).replace(/-+$/, '')}-head-public`;
}

function serviceName(port: CatalogPort, names: Pick<AddonNames, 'release'> | undefined): string {
  if (!port.service.includes('<raycluster>')) return port.service;
  if (!names) return port.service;
  const rc = rayClusterName(names.release);
  return port.service === '<raycluster>-head-public' ? rayPublicServiceName(rc) : port.service.replace('<raycluster>', rc);
}

/**
 * The Services the library adds on the workload cluster: for an exposed Ray head (NodePort or
 * LoadBalancer), `<raycluster>-head-public`, selecting the head pod, with exactly the ports the user
 * asked for (client and serve; the dashboard only with `exposeDashboard`), the fixed node ports for
 * NodePort, `externalTrafficPolicy: Local` (no SNAT, so the NetworkPolicy sees the client's address) and,
 * for LoadBalancer, `loadBalancerSourceRanges` from `access.cidrs`. The operator's head Service stays
 * ClusterIP. JupyterHub's proxy-public is the chart's.
 */
export function renderAddonServices(exposure: AddonExposure, names: Pick<AddonNames, 'release' | 'namespace'>, labels: Record<string, string>): Manifest[] {
  if (exposure.addon !== 'kuberay' || exposure.serviceType === 'ClusterIP') return [];
  const rc = rayClusterName(names.release);
  const lb = exposure.serviceType === 'LoadBalancer';
  return [{
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: rayPublicServiceName(rc), namespace: names.namespace, labels: { ...labels } },
    spec: {
      type: exposure.serviceType,
      selector: { 'ray.io/cluster': rc, 'ray.io/node-type': 'head' },
      externalTrafficPolicy: 'Local',
      ...(lb ? { loadBalancerSourceRanges: [...exposure.access.cidrs] } : {}),
      ports: exposedPorts(exposure).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol, ...(lb ? {} : { nodePort: p.nodePort }) })),
    },
  }];
}

/** The catalog `public` ports the exposure makes reachable from beyond the add-on namespace. */
function exposedPorts(e: AddonExposure): CatalogPort[] {
  return ADDON_CATALOG[e.addon].ports.filter((p) => p.access === 'public' && (p.when === undefined
    || (p.when === 'https' && e.addon === 'jupyterhub' && e.https !== undefined)
    || (p.when === 'exposeDashboard' && e.addon === 'kuberay' && e.access.exposeDashboard)));
}

/**
 * The ports to open in security groups: none for ClusterIP; the fixed node ports for NodePort; the
 * Service ports for LoadBalancer. Service names are real when `names` is given (else `<raycluster>`).
 */
export function addonSecurityGroupPorts(exposure: AddonExposure | AddonName, names?: Pick<AddonNames, 'release'>): SecurityGroupPort[] {
  const okExposure = isAddonName(exposure) || readable(() => isExposure(exposure));
  const okNames = names === undefined || readable(() => isObject(names) && typeof names.release === 'string');
  if (!okExposure || !okNames) {
    checkArguments('addonSecurityGroupPorts', [
      ['exposure', exposure, okExposure, `an add-on name (${ADDON_NAMES.join(', ')}) or an exposure { addon, serviceType${' '}}`],
      ['names', names, okNames, 'undefined or { release: string }'],
    ]);
  }
  const e = typeof exposure === 'string' ? defaultExposure(exposure) : exposure;
  const type = e.serviceType;
  if (type === 'ClusterIP') return [];
  return exposedPorts(e).map((p) => ({
    addon: e.addon,
    name: p.name,
    service: serviceName(p, names),
    serviceType: type,
    port: type === 'NodePort' ? p.nodePort! : p.port,
    servicePort: p.port,
    protocol: p.protocol,
    description: p.description,
  }));
}

const SERVICE_TYPES: readonly unknown[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/** The answer of a shape test, false when reading the value throws (a getter or a Proxy). */
function readable(test: () => boolean): boolean {
  try {
    return test();
  } catch {
    return false;
  }
}

/** An {@link AddonExposure}: the add-on, its Service type, and for kuberay the access object. */
function isExposure(v: unknown): v is AddonExposure {
  if (!isObject(v) || !isAddonName(v.addon) || !SERVICE_TYPES.includes(v.serviceType)) return false;
  return v.addon !== 'kuberay' || (isObject(v.access) && Array.isArray(v.access.cidrs));
}

/** One installed add-on, for {@link addonPortSummary}. */
export interface AddonPortSummaryEntry {
  readonly addon: AddonName;
  /** Workload cluster name. */
  readonly cluster?: string;
  /** Add-on namespace on the workload cluster. */
  readonly namespace?: string;
  /** The add-on's ports (`ClusterAddon.securityGroupPorts`). @default those of the catalog defaults (none) */
  readonly securityGroupPorts?: readonly SecurityGroupPort[];
}

/**
 * A human-readable table of the security-group ports, one line per port, e.g. for printing during
 * `cdk8s synth`. Pass add-on names, or entries with cluster, namespace and the add-on's ports.
 */
export function addonPortSummary(addons: readonly (AddonName | AddonPortSummaryEntry)[] = ADDON_NAMES): string {
  const entryOk = (a: unknown) => isAddonName(a) || readable(() => isObject(a) && isAddonName(a.addon)
    && (a.cluster === undefined || typeof a.cluster === 'string') && (a.namespace === undefined || typeof a.namespace === 'string')
    && (a.securityGroupPorts === undefined || (Array.isArray(a.securityGroupPorts) && a.securityGroupPorts.every((p) => isObject(p)))));
  if (!Array.isArray(addons) || !addons.every(entryOk)) {
    const checks: [string, unknown, boolean, string][] = Array.isArray(addons)
      ? addons.map((a, i) => [`addons[${i}]`, a, entryOk(a), 'an add-on name or { addon, cluster?, namespace?, securityGroupPorts? }'])
      : [['addons', addons, false, 'a list of add-on names or entries']];
    checkArguments('addonPortSummary', checks.filter((c) => !c[2]).slice(0, 20));
  }
  const lines = ['Add-on ports to open in security groups:'];
  for (const a of addons) {
    const e: AddonPortSummaryEntry = typeof a === 'string' ? { addon: a } : a;
    const where = [e.cluster && `cluster ${e.cluster}`, e.namespace && `namespace ${e.namespace}`].filter(Boolean).join(', ');
    const ports = e.securityGroupPorts ?? addonSecurityGroupPorts(e.addon);
    const head = `  ${e.addon}${where ? ` (${where})` : ''}`;
    if (ports.length === 0) lines.push(`${head}: none (ClusterIP: not exposed outside the cluster)`);
    for (const p of ports) {
      const via = p.serviceType === 'NodePort' ? `node port of Service ${p.service} port ${p.servicePort}` : `Service ${p.service} (LoadBalancer)`;
      lines.push(`${head}: ${p.port}/${p.protocol} ${p.name} -> ${via}: ${p.description}`);
    }
  }
  return lines.join('\n');
}

type Peer = Record<string, unknown>;
interface Rule { from?: Peer[]; ports?: { protocol: string; port: number }[] }

function tcp(...ports: number[]): { protocol: string; port: number }[] {
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
}

function policy(name: string, namespace: string, labels: Record<string, string>, podSelector: Record<string, string>, ingress: Rule[]): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { ...labels } },
    spec: { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'], ingress },
  };
}

/** The container ports of a catalog port list by access. */
function targetPorts(addon: AddonName, pred: (p: CatalogPort) => boolean): number[] {
  return catalogEntry(addon).ports.filter(pred).map((p) => p.targetPort);
}

/** Peers of the user-listed Ray sources. */
function rayPeers(a: ResolvedRayAccess): Peer[] {
  const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
  return [
    ...a.namespaces.map((ns) => ({ namespaceSelector: byName(ns) })),
    ...a.podSelectors.map((s) => ({ namespaceSelector: byName(s.namespace), podSelector: { matchLabels: { ...s.matchLabels } } })),
    ...a.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
  ];
}

/** The container ports of z2jh's autohttps pod (traefik), which receives the public traffic with Let's Encrypt. */
const AUTOHTTPS_PORTS = { http: 8080, https: 8443 };

/**
 * The add-on's NetworkPolicies (plain `networking.k8s.io/v1` objects, ingress only; egress is left to
 * the charts), named `<names.networkPolicy>-<role>`:
 * - JupyterHub, exposed only: `-public` selects the pod behind `proxy-public` (z2jh labels `component`,
 *   `app: jupyterhub`, `release`) and admits its public container ports (8000, and 8443 with HTTPS; with
 *   Let's Encrypt the autohttps pod's 8080 and 8443) from anywhere. Not exposed: no policy at all.
 * - KubeRay: `-ray-head` and `-ray-worker` select the RayCluster's pods by `ray.io/cluster` and
 *   `ray.io/node-type`; both admit every port from pods of the same RayCluster (Ray's internal ports are
 *   dynamic) and the metrics port from every namespace; the head admits client, serve and dashboard from the
 *   add-on namespace, and client and serve (dashboard only with `exposeDashboard`) from the listed sources.
 *   `-operator` admits only the operator's metrics port, from every namespace.
 */
export function renderAddonNetworkPolicies(exposure: AddonExposure, names: Pick<AddonNames, 'release' | 'namespace' | 'networkPolicy'>, labels: Record<string, string>): Manifest[] {
  const ns = names.namespace;
  const name = (role: string) => `${names.networkPolicy}-${role}`;
  if (exposure.addon === 'jupyterhub') {
    if (exposure.serviceType === 'ClusterIP') return [];
    const auto = exposure.https === 'letsencrypt';
    const ports = auto ? [AUTOHTTPS_PORTS.http, AUTOHTTPS_PORTS.https] : exposedPorts(exposure).map((p) => p.targetPort);
    const selector = { component: auto ? 'autohttps' : 'proxy', app: 'jupyterhub', release: names.release };
    return [policy(name('public'), ns, labels, selector, [{ ports: tcp(...ports) }])];
  }
  const rc = rayClusterName(names.release);
  // fresh objects for each policy: manifests share no mutable parts
  const sameRayCluster = (): Rule => ({ from: [{ podSelector: { matchLabels: { 'ray.io/cluster': rc } } }] });
  const metrics = (): Rule => ({ from: [{ namespaceSelector: {} }], ports: tcp(...targetPorts('kuberay', (p) => p.access === 'cluster' && p.service !== 'kuberay-operator')) });
  const userPorts = targetPorts('kuberay', (p) => p.access === 'public');
  const head: Rule[] = [sameRayCluster(), { from: [{ podSelector: {} }], ports: tcp(...userPorts) }];
  const peers = rayPeers(exposure.access);
  if (peers.length > 0) head.push({ from: peers, ports: tcp(...exposedPorts(exposure).map((p) => p.targetPort)) });
  head.push(metrics());
  const operatorMetrics = targetPorts('kuberay', (p) => p.service === 'kuberay-operator');
  return [
    policy(name('ray-head'), ns, labels, { 'ray.io/cluster': rc, 'ray.io/node-type': 'head' }, head),
    policy(name('ray-worker'), ns, labels, { 'ray.io/cluster': rc, 'ray.io/node-type': 'worker' }, [sameRayCluster(), metrics()]),
    policy(name('operator'), ns, labels, { 'app.kubernetes.io/name': 'kuberay-operator' }, [{ from: [{ namespaceSelector: {} }], ports: tcp(...operatorMetrics) }]),
  ];
}

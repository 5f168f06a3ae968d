/**
 * Network access of an add-on: the NetworkPolicy for its namespace on the workload cluster and the
 * ports that security groups must open.
 */
import { Manifest } from '../manifest';
import { ADDON_CATALOG, ADDON_NAMES, AddonName, CatalogPort, catalogEntry } from './catalog';

/** A port users must reach from outside the cluster. */
export interface SecurityGroupPort {
  readonly addon: AddonName;
  readonly name: string;
  readonly service: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly description: string;
}

/** The ports an add-on needs opened in the cluster's security groups (its `public` catalog ports). */
export function addonSecurityGroupPorts(addon: AddonName): SecurityGroupPort[] {
  return catalogEntry(addon).ports
    .filter((p) => p.access === 'public')
    .map((p) => ({ addon, name: p.name, service: p.service, port: p.port, protocol: p.protocol, description: p.description }));
}

/**
 * {@link addonSecurityGroupPorts}, computed once per add-on (the catalog is frozen) and frozen: what
 * every rendered add-on carries in `securityGroupPorts`.
 */
export function frozenSecurityGroupPorts(addon: AddonName): readonly SecurityGroupPort[] {
  let ports = frozenPorts.get(addon);
  if (ports === undefined) {
    ports = Object.freeze(addonSecurityGroupPorts(addon).map((x) => Object.freeze(x)));
    frozenPorts.set(addon, ports);
  }
  return ports;
}
const frozenPorts = new Map<AddonName, readonly SecurityGroupPort[]>();

/** The security-group ports of every add-on in the catalog, keyed by add-on. */
export function allSecurityGroupPorts(): Record<AddonName, SecurityGroupPort[]> {
  return Object.fromEntries(ADDON_NAMES.map((a) => [a, addonSecurityGroupPorts(a)])) as Record<AddonName, SecurityGroupPort[]>;
}

/** One installed add-on, for {@link addonPortSummary}. */
export interface AddonPortSummaryEntry {
  readonly addon: AddonName;
  /** Workload cluster name. */
  readonly cluster?: string;
  /** Add-on namespace on the workload cluster. */
  readonly namespace?: string;
}

/**
 * A human-readable table of the security-group ports, one line per port, e.g. for printing during
 * `cdk8s synth`. Pass add-on names, or entries with cluster and namespace; defaults to the catalog.
 */
export function addonPortSummary(addons: readonly (AddonName | AddonPortSummaryEntry)[] = ADDON_NAMES): string {
  const lines = ['Add-on ports to open in security groups:'];
  for (const a of addons) {
    const e: AddonPortSummaryEntry = typeof a === 'string' ? { addon: a } : a;
    const where = [e.cluster && `cluster ${e.cluster}`, e.namespace && `namespace ${e.namespace}`].filter(Boolean).join(', ');
    for (const p of addonSecurityGroupPorts(e.addon)) {
      lines.push(`  ${e.addon}${where ? ` (${where})` : ''}: ${p.port}/${p.protocol} ${p.name} -> Service ${p.service}: ${p.description}`);
    }
  }
  return lines.join('\n');
}

/** An add-on's policy ports by access, fresh objects each time (they go into a manifest) from lists computed once per add-on. */
function addonPolicyPorts(addon: AddonName): { publicPorts: PolicyPort[]; clusterPorts: PolicyPort[] } {
  let lists = policyPortLists.get(addon);
  if (lists === undefined) {
    const ports = ADDON_CATALOG[addon].ports;
    lists = { publicPorts: policyPorts(ports.filter((p) => p.access === 'public')), clusterPorts: policyPorts(ports.filter((p) => p.access === 'cluster')) };
    policyPortLists.set(addon, lists);
  }
  return { publicPorts: lists.publicPorts.map((x) => ({ protocol: x.protocol, port: x.port })), clusterPorts: lists.clusterPorts.map((x) => ({ protocol: x.protocol, port: x.port })) };
}
interface PolicyPort { protocol: string; port: number }
const policyPortLists = new Map<AddonName, { publicPorts: readonly PolicyPort[]; clusterPorts: readonly PolicyPort[] }>();

function policyPorts(ports: readonly CatalogPort[]): { protocol: string; port: number }[] {
  const seen = new Set<string>();
  const out: { protocol: string; port: number }[] = [];
  for (const p of ports) {
    const key = `${p.protocol}/${p.targetPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol: p.protocol, port: p.targetPort });
  }
  return out.sort((a, b) => a.port - b.port);
}

/**
 * The NetworkPolicy for an add-on namespace (a plain `networking.k8s.io/v1` object). It selects every
 * pod in the namespace and admits ingress only:
 * - from pods of the same namespace, on any port (hub <-> proxy <-> user servers; Ray head <-> workers
 *   use many dynamic ports; the KubeRay operator reaches the head);
 * - on the `public` catalog ports, from anywhere;
 * - on the `cluster` catalog ports, from pods of any namespace (e.g. Prometheus).
 * Ports are the container ports (`targetPort`): a NetworkPolicy sees traffic after the Service has
 * translated e.g. JupyterHub's port 80 to the proxy's 8000. Egress is not restricted. Policies add
 * up: the charts' own NetworkPolicies (z2jh ships some) still apply.
 * Note: `podSelector: {}` is required and must stay empty, so this object is not passed through `compact`.
 */
export function renderAddonNetworkPolicy(addon: AddonName, name: string, namespace: string, labels: Record<string, string>): Manifest {
  const { publicPorts, clusterPorts } = addonPolicyPorts(addon);
  const ingress: Record<string, unknown>[] = [{ from: [{ podSelector: {} }] }];
  if (publicPorts.length > 0) ingress.push({ ports: publicPorts });
  if (clusterPorts.length > 0) ingress.push({ from: [{ namespaceSelector: {} }], ports: clusterPorts });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress },
  };
}

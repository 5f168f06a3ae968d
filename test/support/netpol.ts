/**
 * A small evaluator of `networking.k8s.io/v1` NetworkPolicies, for tests: given the policies, the
 * namespaces and the pods, does a connection get through?
 *
 * Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - a policy selects the pods of its own namespace matching `podSelector` (`{}` = all);
 * - `policyTypes` defaults to `['Ingress']`, plus `'Egress'` when the policy has `egress` rules;
 * - a pod selected by no policy of a type allows all traffic of that type; a selected pod allows only
 *   what some rule of some selecting policy allows (policies add up; there is no deny rule);
 * - a rule without `ports` allows every port; a rule without `from`/`to` (or an empty list) every peer;
 * - a peer with `podSelector` alone selects pods of the policy's namespace; with `namespaceSelector`
 *   alone every pod of matching namespaces; with both, matching pods of matching namespaces; `ipBlock`
 *   matches addresses in `cidr` and not in `except` (for pods: their IP);
 * - a named port resolves against the destination pod's container ports (for ingress and for egress);
 *   `endPort` gives a range; protocol defaults to TCP;
 * - a connection between pods needs the egress of the source and the ingress of the destination.
 */
import * as ipaddr from 'ipaddr.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  /** Pod IP, for ipBlock peers. */
  readonly ip?: string;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Where a connection comes from: a pod, or an address outside the cluster. */
export type Source = { readonly pod: Pod } | { readonly ip: string };

interface PolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
interface PolicyPort { port?: number | string; endPort?: number; protocol?: string }
interface PolicyRule { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: PolicyPort[] }
export interface NetworkPolicy {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

export function selectorMatches(sel: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (sel === undefined) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown selector operator ${String((e as { operator: string }).operator)}`);
    }
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const addr = ipaddr.parse(ip);
  const range = ipaddr.parseCIDR(cidr);
  return addr.kind() === range[0].kind() && addr.match(range);
}

function policyTypes(p: NetworkPolicy): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

export class NetworkPolicyEvaluator {
  private readonly policies: NetworkPolicy[];

  constructor(policies: readonly { kind: string }[], private readonly namespaces: readonly Namespace[]) {
    this.policies = policies.filter((p): p is NetworkPolicy => p.kind === 'NetworkPolicy') as NetworkPolicy[];
    for (const p of this.policies) if (!p.metadata.namespace) throw new Error(`NetworkPolicy ${p.metadata.name} has no namespace`);
  }

  private namespaceLabels(name: string): Readonly<Record<string, string>> {
    const ns = this.namespaces.find((n) => n.name === name);
    if (!ns) throw new Error(`unknown namespace ${name}`);
    return ns.labels;
  }

  /** The policies of a type that select a pod. */
  selecting(pod: Pod, type: 'Ingress' | 'Egress'): NetworkPolicy[] {
    return this.policies.filter((p) => p.metadata.namespace === pod.namespace && policyTypes(p).includes(type) && selectorMatches(p.spec.podSelector, pod.labels));
  }

  private peerMatches(peer: PolicyPeer, policyNamespace: string, other: Source): boolean {
    if (peer.ipBlock) {
      const ip = 'ip' in other ? other.ip : other.pod.ip;
      if (ip === undefined) return false;
      return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(ip, c));
    }
    if (!('pod' in other)) return false;
    const pod = other.pod;
    if (peer.namespaceSelector === undefined) {
      return pod.namespace === policyNamespace && selectorMatches(peer.podSelector ?? {}, pod.labels);
    }
    return selectorMatches(peer.namespaceSelector, this.namespaceLabels(pod.namespace)) && selectorMatches(peer.podSelector, pod.labels);
  }

  private portMatches(ports: PolicyPort[] | undefined, dst: Pod, port: number, protocol: string): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((pp) => {
      if ((pp.protocol ?? 'TCP') !== protocol) return false;
      if (pp.port === undefined) return true;
      let number: number | undefined;
      if (typeof pp.port === 'number') number = pp.port;
      else {
        const named = dst.ports.find((c) => c.name === pp.port && (c.protocol ?? 'TCP') === protocol);
        number = named?.containerPort;
      }
      if (number === undefined) return false;
      return pp.endPort !== undefined && typeof pp.port === 'number' ? port >= number && port <= pp.endPort : port === number;
    });
  }

  /** Whether the destination pod's ingress policies admit the connection. */
  ingressAllowed(src: Source, dst: Pod, port: number, protocol = 'TCP'): boolean {
    const selecting = this.selecting(dst, 'Ingress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.ingress ?? []).some((r) => this.portMatches(r.ports, dst, port, protocol)
      && (!r.from || r.from.length === 0 || r.from.some((peer) => this.peerMatches(peer, p.metadata.namespace!, src)))));
  }

  /** Whether the source pod's egress policies let the connection out. */
  egressAllowed(src: Pod, dst: Pod, port: number, protocol = 'TCP'): boolean {
    const selecting = this.selecting(src, 'Egress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.egress ?? []).some((r) => this.portMatches(r.ports, dst, port, protocol)
      && (!r.to || r.to.length === 0 || r.to.some((peer) => this.peerMatches(peer, p.metadata.namespace!, { pod: dst })))));
  }

  /** Whether a connection gets through: the source's egress (for a pod) and the destination's ingress. */
  allowed(src: Source, dst: Pod, port: number, protocol = 'TCP'): boolean {
    if ('pod' in src && !this.egressAllowed(src.pod, dst, port, protocol)) return false;
    return this.ingressAllowed(src, dst, port, protocol);
  }
}

/** The pods of rendered workload objects (Deployment, StatefulSet, DaemonSet, Job): one per template. */
export function podsOf(objects: readonly any[], namespace: string): Pod[] {
  const out: Pod[] = [];
  for (const o of objects) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) continue;
    const t = o.spec?.template;
    out.push({
      name: `${o.kind}/${o.metadata.name}`,
      namespace: o.metadata.namespace ?? namespace,
      labels: t?.metadata?.labels ?? {},
      ports: (t?.spec?.containers ?? []).flatMap((c: any) => c.ports ?? []),
    });
  }
  return out;
}

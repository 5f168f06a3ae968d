/**
 * The CNI's chart values. Calico (tigera-operator): one IP pool per pod CIDR of the Cluster, IP-in-IP
 * with BGP (what CAPO's reference opens in managed security groups). Cilium: cluster-pool IPAM over
 * the pod CIDRs.
 */

/** Calico's default pool when the Cluster sets no pod CIDR (and kubeadm none either). */
export const CALICO_DEFAULT_POD_CIDR = '192.168.0.0/16';

/** tigera-operator values: the Installation's IP pools are the Cluster's pod CIDRs. */
export function calicoValues(podCidrs: readonly string[]): Record<string, unknown> {
  const cidrs = podCidrs.length > 0 ? podCidrs : [CALICO_DEFAULT_POD_CIDR];
  return {
    installation: {
      cni: { type: 'Calico' },
      calicoNetwork: {
        bgp: 'Enabled',
        ipPools: cidrs.map((cidr) => (cidr.includes(':')
          ? { cidr, encapsulation: 'None', natOutgoing: 'Enabled', nodeSelector: 'all()' }
          : { cidr, encapsulation: 'IPIP', natOutgoing: 'Enabled', nodeSelector: 'all()' })),
      },
    },
  };
}

/**
 * Cilium chart values (keys from the chart's documented values, docs.cilium.io "Helm Reference"):
 * cluster-pool IPAM handing out the Cluster's pod CIDRs; kube-proxy stays (kubeadm installs it).
 */
export function ciliumValues(podCidrs: readonly string[]): Record<string, unknown> {
  const v4 = podCidrs.filter((c) => !c.includes(':'));
  const v6 = podCidrs.filter((c) => c.includes(':'));
  const operator: Record<string, unknown> = {};
  if (v4.length > 0) operator.clusterPoolIPv4PodCIDRList = [...v4];
  if (v6.length > 0) operator.clusterPoolIPv6PodCIDRList = [...v6];
  return {
    ipam: { mode: 'cluster-pool', ...(Object.keys(operator).length > 0 ? { operator } : {}) },
    ipv6: { enabled: v6.length > 0 },
    kubeProxyReplacement: false,
  };
}

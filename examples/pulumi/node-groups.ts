/**
 * Pulumi twin of examples/node-groups.ts: the same cluster, control plane, worker group and ingress
 * nodes, with the props imported from it, for Cluster API v1beta2 and for a v1beta1 management cluster.
 * test/pulumi/parity.test.ts checks that it sends Kubernetes exactly the objects cdk8s synthesizes.
 */
import { CapiVersion, Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, ingressGroup, workerGroup } from '../node-groups';

function nodeGroups(prefix: string, apiVersion: CapiVersion): void {
  const cluster = new Cluster(`${prefix}-cluster`, clusterProps(apiVersion));
  new ControlPlaneGroup(`${prefix}-control-plane`, { cluster, ...controlPlane });
  new WorkerGroup(`${prefix}-workers`, { cluster, ...workerGroup });
  WorkerGroup.ingress(`${prefix}-ingress`, { cluster, ...ingressGroup });
}

export default function program(): void {
  nodeGroups('node-groups', 'v1beta2');
  nodeGroups('node-groups-v1beta1', 'v1beta1');
}

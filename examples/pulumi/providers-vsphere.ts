/**
 * Pulumi twin of examples/providers-vsphere.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * vSphere (CAPV 1.16+, v1beta2): a VSphereCluster, 3 control-plane nodes and a worker group copied from them with more resources.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroup } from '../providers-vsphere';

export default function program(): void {
  const cluster = new Cluster('providers-vsphere-cluster', clusterProps);
  new ControlPlaneGroup('providers-vsphere-control-plane', { cluster, ...controlPlane });
  new WorkerGroup('providers-vsphere-workers', { cluster, ...workerGroup });
}

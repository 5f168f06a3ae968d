/**
 * Pulumi twin of examples/providers-basis.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * Basis Dynamix: no public Cluster API CRD exists; the BasisMachineTemplate layout follows the platform
 * docs (docs/providers.md). The BasisCluster is managed by the platform and only referenced here.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroup } from '../providers-basis';

export default function program(): void {
  const cluster = new Cluster('providers-basis-cluster', clusterProps);
  new ControlPlaneGroup('providers-basis-control-plane', { cluster, ...controlPlane });
  new WorkerGroup('providers-basis-workers', { cluster, ...workerGroup });
}

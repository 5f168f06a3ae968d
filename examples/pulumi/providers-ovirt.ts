/**
 * Pulumi twin of examples/providers-ovirt.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * oVirt: no public Cluster API CRD exists; the OVirtMachineTemplate layout follows the platform docs
 * (docs/providers.md). The OVirtCluster is managed by the platform and only referenced here.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroup } from '../providers-ovirt';

export default function program(): void {
  const cluster = new Cluster('providers-ovirt-cluster', clusterProps);
  new ControlPlaneGroup('providers-ovirt-control-plane', { cluster, ...controlPlane });
  new WorkerGroup('providers-ovirt-workers', { cluster, ...workerGroup });
}

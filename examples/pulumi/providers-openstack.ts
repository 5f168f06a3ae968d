/**
 * Pulumi twin of examples/providers-openstack.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * OpenStack (CAPO 0.14, v1beta1): an OpenStackCluster and its node groups. The credentials stay in the
 * Secret `openstack-prod-cloud-config` (key `clouds.yaml`), created outside this program.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroup } from '../providers-openstack';

export default function program(): void {
  const cluster = new Cluster('providers-openstack-cluster', clusterProps);
  new ControlPlaneGroup('providers-openstack-control-plane', { cluster, ...controlPlane });
  new WorkerGroup('providers-openstack-workers', { cluster, ...workerGroup });
}

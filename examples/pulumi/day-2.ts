/**
 * Pulumi twin of examples/day-2.ts: per-group versions, failure domains and scaling from zero with the
 * same props. test/pulumi/parity.test.ts checks that it sends Kubernetes exactly the objects cdk8s synthesizes.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroups } from '../day-2';

export default function program(): void {
  const cluster = new Cluster('day-2-cluster', clusterProps);
  new ControlPlaneGroup('day-2-control-plane', { cluster, ...controlPlane });
  for (const g of workerGroups) new WorkerGroup(`day-2-${g.name}`, { cluster, ...g });
}

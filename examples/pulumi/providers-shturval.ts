/**
 * Pulumi twin of examples/providers-shturval.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * Shturval: machines land on hosts chosen by label. Control-plane nodes on hosts labelled directly,
 * workers on hosts chosen by expression. No public CRD exists; see docs/providers.md.
 */
import { Cluster, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { clusterProps, controlPlane, workerGroup } from '../providers-shturval';

export default function program(): void {
  const cluster = new Cluster('providers-shturval-cluster', clusterProps);
  new ControlPlaneGroup('providers-shturval-control-plane', { cluster, ...controlPlane });
  new WorkerGroup('providers-shturval-workers', { cluster, ...workerGroup });
}

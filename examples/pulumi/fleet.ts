/**
 * Pulumi twin of examples/fleet.ts (the fleet imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * The same ClusterSpecs, one set of components per cluster: Cluster, ControlPlaneGroup, a WorkerGroup
 * per group and a ClusterAddon per add-on component.
 */
import { AddonComponent } from '../../lib/core';
import { Cluster, ClusterAddon, ControlPlaneGroup, WorkerGroup } from '../../lib/pulumi';
import { fleet } from '../fleet';

export default function program(): void {
  for (const spec of fleet) {
    const name = spec.cluster.name;
    const cluster = new Cluster(`${name}-cluster`, spec.cluster);
    new ControlPlaneGroup(`${name}-control-plane`, { cluster, ...spec.controlPlane });
    for (const w of spec.workers ?? []) new WorkerGroup(`${name}-workers-${w.name}`, { cluster, ...w });
    for (const c of (spec.components ?? []) as AddonComponent[]) new ClusterAddon(`${name}-${c.id}`, { cluster, ...c.props });
  }
}

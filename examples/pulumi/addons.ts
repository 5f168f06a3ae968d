/**
 * Pulumi twin of examples/addons.ts (props imported from it; test/pulumi/parity.test.ts compares the objects).
 *
 * Cluster add-ons (issue #4): JupyterHub and KubeRay from the fixed catalog, installed by Flux.
 * - `addons`: Flux on the management cluster (default mode), HelmReleases target the workload cluster
 *   through `<cluster>-kubeconfig`; the add-on namespaces' NetworkPolicies go by ClusterResourceSet.
 * - `addons-tenant`: Flux running on the workload cluster itself.
 * The Pulumi-only `waitForReady` (wait in `pulumi up` until Flux reports each HelmRelease Ready) is not
 * set here, so the objects equal cdk8s's; see docs/pulumi.md.
 */
import * as pulumi from '@pulumi/pulumi';
import { addonPortSummary, Cluster, ClusterAddon, FluxResourceMetrics } from '../../lib/pulumi';
import { clusterProps, edgeClusterProps, edgeJupyterHub, fluxMetrics, jupyterHub, kubeRay } from '../addons';

export default function program(): void {
  const cluster = new Cluster('addons-cluster', clusterProps);
  const jhub = new ClusterAddon('addons-jhub', { cluster, ...jupyterHub });
  const ray = new ClusterAddon('addons-ray', { cluster, ...kubeRay });

  const edge = new Cluster('addons-tenant-cluster', edgeClusterProps);
  const edgeHub = new ClusterAddon('addons-tenant-jhub', { cluster: edge, ...edgeJupyterHub });
  new FluxResourceMetrics('addons-tenant-flux-metrics', fluxMetrics);

  pulumi.log.info(addonPortSummary([jhub, ray, edgeHub].map((a) => ({ addon: a.addon, cluster: a.clusterName, namespace: a.namespace, securityGroupPorts: a.securityGroupPorts }))));
}

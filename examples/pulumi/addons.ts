/**
 * Pulumi twin of examples/addons.ts (same props; test/pulumi/parity.test.ts compares the objects).
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

export default function program(): void {
  const cluster = new Cluster('addons-cluster', { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4' });
  const jhub = new ClusterAddon('addons-jhub', { cluster, addon: 'jupyterhub', parameters: { cpu: '2', memory: '4Gi' } });
  const ray = new ClusterAddon('addons-ray', { cluster, addon: 'kuberay', parameters: { head: { cpu: '1', memory: '4Gi' } } });

  const edge = new Cluster('addons-tenant-cluster', { name: 'edge', namespace: 'tenants', kubernetesVersion: 'v1.30.2' });
  const edgeHub = new ClusterAddon('addons-tenant-jhub', {
    cluster: edge,
    addon: 'jupyterhub',
    mode: 'tenant',
    parameters: { cpu: '500m', cpuGuarantee: '250m', memory: '2Gi', memoryGuarantee: '1Gi', storage: '20Gi', serviceType: 'NodePort' },
    monitoring: { ruleLabels: { release: 'kube-prometheus-stack' } },
  });
  new FluxResourceMetrics('addons-tenant-flux-metrics', { namespace: 'monitoring', serviceAccount: { name: 'kube-state-metrics', namespace: 'monitoring' } });

  pulumi.log.info(addonPortSummary([jhub, ray, edgeHub].map((a) => ({ addon: a.addon, cluster: a.clusterName, namespace: a.namespace }))));
}

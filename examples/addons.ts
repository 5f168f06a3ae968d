/**
 * Cluster add-ons (issue #4): JupyterHub and KubeRay from the fixed catalog, installed by Flux.
 * - chart `addons`: Flux on the management cluster (default mode), HelmReleases target the workload
 *   cluster through `<cluster>-kubeconfig`; the add-on namespaces' NetworkPolicies go by ClusterResourceSet.
 * - chart `addons-tenant`: Flux running on the workload cluster itself.
 * Synth prints the ports to open in security groups (stderr, so `--stdout` output stays clean YAML).
 */
import { App, Chart } from 'cdk8s';
import { addonPortSummary, Cluster, ClusterAddon, FluxResourceMetrics } from '../lib';

export default function (app: App): void {
  const chart = new Chart(app, 'addons');
  const cluster = new Cluster(chart, 'cluster', { name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4' });
  const jhub = new ClusterAddon(chart, 'jhub', { cluster, addon: 'jupyterhub', parameters: { cpu: '2', memory: '4Gi' } });
  const ray = new ClusterAddon(chart, 'ray', { cluster, addon: 'kuberay', parameters: { head: { cpu: '1', memory: '4Gi' } } });

  const tenant = new Chart(app, 'addons-tenant');
  const edge = new Cluster(tenant, 'cluster', { name: 'edge', namespace: 'tenants', kubernetesVersion: 'v1.30.2' });
  const edgeHub = new ClusterAddon(tenant, 'jhub', {
    cluster: edge,
    addon: 'jupyterhub',
    mode: 'tenant',
    parameters: { cpu: '500m', cpuGuarantee: '250m', memory: '2Gi', memoryGuarantee: '1Gi', storage: '20Gi', serviceType: 'NodePort' },
    monitoring: { ruleLabels: { release: 'kube-prometheus-stack' } },
  });
  // The kube-state-metrics config that defines gotk_resource_info, which the add-on alerts query.
  new FluxResourceMetrics(tenant, 'flux-metrics', { namespace: 'monitoring', serviceAccount: { name: 'kube-state-metrics', namespace: 'monitoring' } });

  process.stderr.write(`${addonPortSummary([jhub, ray, edgeHub].map((a) => ({ addon: a.addon, cluster: a.clusterName, namespace: a.namespace })))}\n`);
}

/**
 * Cluster add-ons (issue #4): JupyterHub and KubeRay from the fixed catalog, installed by Flux.
 * - chart `addons`: Flux on the management cluster (default mode), HelmReleases target the workload
 *   cluster through `<cluster>-kubeconfig`; the add-on namespaces' NetworkPolicies go by ClusterResourceSet.
 * - chart `addons-tenant`: Flux running on the workload cluster itself.
 * Synth prints the ports to open in security groups (stderr, so `--stdout` output stays clean YAML).
 *
 * Both hubs are exposed, so both have authentication and HTTPS (the library refuses an exposed hub
 * without them). Secrets are referenced, never inlined: before the hubs start, create in each add-on
 * namespace on the workload cluster the Secret `hub-oidc` (key `client-secret`, the OIDC client secret)
 * resp. the TLS Secret `hub-tls` (`kubectl create secret tls hub-tls --cert ... --key ...`).
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/addons.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  addonPortSummary, Cluster, ClusterAddon, ClusterAddonProps, ClusterProps, existingInfrastructureCluster, FluxResourceMetrics, FluxResourceMetricsProps,
} from '../lib';

/** The clusters' OpenStackClusters are managed elsewhere (examples/providers-openstack.ts builds one): referenced, with CAPO's node bootstrap. */
const infrastructure = existingInfrastructureCluster({ kind: 'OpenStackCluster', version: 'v1beta1' });

/** The workload cluster whose add-ons Flux on the management cluster installs. */
export const clusterProps: ClusterProps = {
  name: 'prod', namespace: 'tenants', kubernetesVersion: 'v1.31.4', infrastructure,
  // Calico and the OpenStack cloud controller manager first (docs/components.md); the add-on releases depend on the CNI
  cni: 'calico', cloudController: { credentialsSecret: 'prod-cloud-controller' },
};
export const jupyterHub: Omit<ClusterAddonProps<'jupyterhub'>, 'cluster'> = {
  addon: 'jupyterhub',
  parameters: {
    cpu: '2',
    memory: '4Gi',
    // OIDC login; the client secret stays in the Secret hub-oidc of the add-on namespace
    authentication: {
      type: 'oidc',
      issuer: 'https://login.example.com/realms/lab',
      clientId: 'jupyterhub',
      clientSecret: { name: 'hub-oidc', key: 'client-secret' },
      allowedGroups: ['data-science'],
      adminUsers: ['platform-admin'],
    },
    // with authentication and HTTPS the hub defaults to a LoadBalancer
    https: { hosts: ['hub.example.com'], letsEncrypt: { contactEmail: 'platform@example.com' } },
  },
};
export const kubeRay: Omit<ClusterAddonProps<'kuberay'>, 'cluster'> = { addon: 'kuberay', parameters: { head: { cpu: '1', memory: '4Gi' } } };

/** The edge cluster, where Flux runs on the workload cluster itself (mode `tenant`). */
export const edgeClusterProps: ClusterProps = {
  name: 'edge', namespace: 'tenants', kubernetesVersion: 'v1.30.2', infrastructure,
  // the OpenStack cloud controller manager has no chart for Kubernetes 1.30 among the supported minors: installed by hand on this cluster
  cni: 'calico', cloudController: false,
};
export const edgeJupyterHub: Omit<ClusterAddonProps<'jupyterhub'>, 'cluster'> = {
  addon: 'jupyterhub',
  mode: 'tenant',
  parameters: {
    cpu: '500m', cpuGuarantee: '250m', memory: '2Gi', memoryGuarantee: '1Gi', storage: '20Gi',
    // sign-ups wait for the approval of the admin, who logs in with the password in Secret
    // hub-admins (key edge-admin); nobody can sign up under that name
    authentication: { type: 'native', adminUsers: ['edge-admin'], adminPasswordSecret: 'hub-admins' },
    https: { hosts: ['hub.edge.example.com'], tlsSecret: 'hub-tls' },
    serviceType: 'NodePort',
  },
  monitoring: { ruleLabels: { release: 'kube-prometheus-stack' } },
};
/** The kube-state-metrics config that defines gotk_resource_info, which the add-on alerts query. */
export const fluxMetrics: FluxResourceMetricsProps = { namespace: 'monitoring', serviceAccount: { name: 'kube-state-metrics', namespace: 'monitoring' } };

export default function (app: App): void {
  const chart = new Chart(app, 'addons');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  const jhub = new ClusterAddon(chart, 'jhub', { cluster, ...jupyterHub });
  const ray = new ClusterAddon(chart, 'ray', { cluster, ...kubeRay });

  const tenant = new Chart(app, 'addons-tenant');
  const edge = new Cluster(tenant, 'cluster', edgeClusterProps);
  const edgeHub = new ClusterAddon(tenant, 'jhub', { cluster: edge, ...edgeJupyterHub });
  new FluxResourceMetrics(tenant, 'flux-metrics', fluxMetrics);

  process.stderr.write(`${addonPortSummary([jhub, ray, edgeHub].map((a) => ({ addon: a.addon, cluster: a.clusterName, namespace: a.namespace, securityGroupPorts: a.securityGroupPorts })))}\n`);
}

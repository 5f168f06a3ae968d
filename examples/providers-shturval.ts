/**
 * Shturval: machines land on hosts chosen by label. Control-plane nodes on hosts labelled directly,
 * workers on hosts chosen by expression. No public CRD exists; see docs/providers.md.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-shturval.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, existingInfrastructureCluster, HealthCheck,
  ShturvalMachineTemplate, WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster; its ShturvalCluster exists already and is only referenced. */
export const clusterProps: ClusterProps = {
  name: 'shturval-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  cni: 'calico',
  // Made by the platform, referenced here. No public template says what its nodes need in kubeadm:
  // pass bootstrap: ProviderBootstrap.custom({ ... }) with the platform's values (docs/providers.md).
  infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'ShturvalCluster' }),
};

/** Control-plane machines on the hosts labelled `pool: control-plane`. */
export const controlPlaneTemplate = new ShturvalMachineTemplate({ hostSelector: { matchLabels: { 'hosts.example.com/pool': 'control-plane' } } });

/** Workers on hosts of the `workers` or `general` pool that are not in maintenance. */
export const workerTemplate = new ShturvalMachineTemplate({
  hostSelector: {
    matchExpressions: [
      { key: 'hosts.example.com/pool', operator: 'In', values: ['workers', 'general'] },
      { key: 'hosts.example.com/maintenance', operator: 'DoesNotExist' },
    ],
  },
});

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: controlPlaneTemplate, healthCheck: HealthCheck.controlPlane() };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { replicas: 4 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-shturval');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}

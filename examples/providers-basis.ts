/**
 * Basis Dynamix: no public Cluster API CRD exists; the BasisMachineTemplate layout follows the platform
 * docs (docs/providers.md). The BasisCluster is managed by the platform and only referenced here.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-basis.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  BasisMachineTemplate, Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, existingInfrastructureCluster,
  HealthCheck, WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster; its BasisCluster exists already and is only referenced. */
export const clusterProps: ClusterProps = {
  name: 'basis-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  cni: 'calico',
  // Made by the platform, referenced here. No public template says what its nodes need in kubeadm:
  // pass bootstrap: ProviderBootstrap.custom({ ... }) with the platform's values (docs/providers.md).
  infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'BasisCluster' }),
};

/** Control-plane machines. */
export const nodeTemplate = new BasisMachineTemplate({ image: 'ubuntu-2404-kube-v1.31.4', cpu: 4, memory: 8192, disk: 50 });

/** Workers: a copy of the control-plane template with more CPU and memory. */
export const workerTemplate = BasisMachineTemplate.from(nodeTemplate, { cpu: 8, memory: 16384 });

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: nodeTemplate, healthCheck: HealthCheck.controlPlane() };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { min: 3, max: 8 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-basis');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}

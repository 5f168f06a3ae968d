/**
 * oVirt: no public Cluster API CRD exists; the OVirtMachineTemplate layout follows the platform docs
 * (docs/providers.md). The OVirtCluster is managed by the platform and only referenced here.
 *
 * The props are exported so that the Pulumi twin (examples/pulumi/providers-ovirt.ts) uses the same ones.
 */
import { App, Chart } from 'cdk8s';
import {
  Cluster, ClusterProps, ControlPlaneGroup, ControlPlaneGroupProps, existingInfrastructureCluster, HealthCheck,
  OVirtMachineTemplate, WorkerGroup, WorkerGroupProps,
} from '../lib';

/** The cluster; its OVirtCluster exists already and is only referenced. */
export const clusterProps: ClusterProps = {
  name: 'ovirt-prod',
  namespace: 'tenants',
  kubernetesVersion: 'v1.31.4',
  cni: 'calico',
  // Made by the platform, referenced here. No public template says what its nodes need in kubeadm:
  // pass bootstrap: ProviderBootstrap.custom({ ... }) with the platform's values (docs/providers.md).
  infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'OVirtCluster' }),
};

/** Control-plane machines. */
export const nodeTemplate = new OVirtMachineTemplate({
  template: 'ubuntu-2404-kube-v1.31.4',
  cpu: { cores: 2, sockets: 2, threads: 1 },
  sizemb: 8192,
  osdisksizegb: 50,
  nics: [{ vnicprofile: 'ovirtmgmt' }],
});

/** Workers: a copy of the control-plane template with more memory and disk. */
export const workerTemplate = OVirtMachineTemplate.from(nodeTemplate, { sizemb: 16384, osdisksizegb: 100 });

export const controlPlane: Omit<ControlPlaneGroupProps, 'cluster'> = { replicas: 3, machineTemplate: nodeTemplate, healthCheck: HealthCheck.controlPlane() };

export const workerGroup: Omit<WorkerGroupProps, 'cluster'> = {
  name: 'workers',
  scaling: { replicas: 3 },
  machineTemplate: workerTemplate,
  healthCheck: HealthCheck.workers(),
};

export default function (app: App): void {
  const chart = new Chart(app, 'providers-ovirt');
  const cluster = new Cluster(chart, 'cluster', clusterProps);
  new ControlPlaneGroup(chart, 'control-plane', { cluster, ...controlPlane });
  new WorkerGroup(chart, 'workers', { cluster, ...workerGroup });
}

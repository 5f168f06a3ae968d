/**
 * oVirt: no public Cluster API CRD exists; the OVirtMachineTemplate layout follows the platform docs
 * (docs/providers.md). The OVirtCluster is managed by the platform and only referenced here.
 */
import { App, Chart } from 'cdk8s';
import { Cluster, ControlPlaneGroup, existingInfrastructureCluster, HealthCheck, OVirtMachineTemplate, WorkerGroup } from '../lib';

export default function (app: App): void {
  const chart = new Chart(app, 'providers-ovirt');
  const cluster = new Cluster(chart, 'cluster', {
    name: 'ovirt-prod',
    namespace: 'tenants',
    kubernetesVersion: 'v1.31.4',
    infrastructure: existingInfrastructureCluster({ version: 'v1beta1', kind: 'OVirtCluster' }),
  });
  const nodes = new OVirtMachineTemplate({
    template: 'ubuntu-2404-kube-v1.31.4',
    cpu: { cores: 2, sockets: 2, threads: 1 },
    sizemb: 8192,
    osdisksizegb: 50,
    nics: [{ vnicprofile: 'ovirtmgmt' }],
  });
  new ControlPlaneGroup(chart, 'control-plane', { cluster, replicas: 3, machineTemplate: nodes, healthCheck: HealthCheck.controlPlane() });
  new WorkerGroup(chart, 'workers', {
    cluster,
    name: 'workers',
    scaling: { replicas: 3 },
    machineTemplate: OVirtMachineTemplate.from(nodes, { sizemb: 16384, osdisksizegb: 100 }),
    healthCheck: HealthCheck.workers(),
  });
}
